package io.github.iapverifier.samples.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ScreenshotsTest {

  private static BufferedImage filled(Color colour) {
    BufferedImage image = new BufferedImage(400, 300, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(colour);
    g.fillRect(0, 0, 400, 300);
    g.dispose();
    return image;
  }

  @Test
  void assertNotBlankWhenWhiteThenFails() {
    assertThatThrownBy(() -> Screenshots.assertNotBlank(filled(Color.WHITE), "white.png"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("distinct colours in white.png");
  }

  @Test
  void assertNotBlankWhenOneDarkColourThenFails() {
    assertThatThrownBy(() -> Screenshots.assertNotBlank(filled(Color.BLACK), "black.png"))
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void assertNotBlankWhenTextThenPasses() {
    BufferedImage image = filled(Color.WHITE);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(new Color(0x1f2937));
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 22));
    for (int line = 0; line < 8; line++) {
      g.drawString("ana@example.com accessPolicies/1", 10, 30 + line * 32);
    }
    g.dispose();

    assertThatCode(() -> Screenshots.assertNotBlank(image, "text.png")).doesNotThrowAnyException();
  }
}
