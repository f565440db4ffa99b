package io.github.iapverifier.samples.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.Set;

/** Tells a rendered page from a blank one. */
public final class Screenshots {

  private Screenshots() {}

  /**
   * Checks that an image shows a rendered page: many distinct colours (anti-aliased text has
   * dozens; a blank or single-colour page has one or two) and a share of text-dark pixels.
   *
   * @param image the screenshot
   * @param name what to call it in a failure message
   */
  public static void assertNotBlank(BufferedImage image, String name) {
    Set<Integer> colours = new HashSet<>();
    long dark = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y) & 0xFFFFFF;
        colours.add(rgb);
        int sum = (rgb >> 16) + ((rgb >> 8) & 0xFF) + (rgb & 0xFF);
        // Dark enough to be text, not a light background tint.
        if (sum < 3 * 160) {
          dark++;
        }
      }
    }
    double darkShare = (double) dark / ((long) image.getWidth() * image.getHeight());
    assertThat(colours.size())
        .as("distinct colours in %s (a blank page has one or two)", name)
        .isGreaterThan(20);
    assertThat(darkShare).as("share of text-dark pixels in %s", name).isGreaterThan(0.002);
  }
}
