package io.github.iapverifier.release;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The modules of the build, read from the POMs the way Maven reads them for what matters here: a
 * module is published unless it, or a POM it inherits from in this build, sets the property {@code
 * maven.deploy.skip} to true. The root aggregator is never published (its deploy is switched off
 * without inheritance, and the flattened module POMs do not refer to it).
 *
 * <p>Derived from the POMs rather than listed here, so that a module added later is checked too.
 */
final class Reactor {

  /** One module: its folder relative to the root ("core", "samples/servlet-app"). */
  record Module(String dir, String artifactId, String packaging, boolean published) {}

  private Reactor() {}

  static List<Module> modules(Path root) {
    List<Module> modules = new ArrayList<>();
    collect(root, root, modules);
    return modules;
  }

  static List<Module> published(Path root) {
    return modules(root).stream().filter(Module::published).toList();
  }

  private static void collect(Path root, Path dir, List<Module> into) {
    Element project = read(dir.resolve("pom.xml"));
    for (Element module : children(child(project, "modules"), "module")) {
      Path moduleDir = dir.resolve(module.getTextContent().strip()).normalize();
      Element pom = read(moduleDir.resolve("pom.xml"));
      String relative = root.relativize(moduleDir).toString().replace('\\', '/');
      into.add(
          new Module(
              relative,
              text(pom, "artifactId").orElseThrow(),
              text(pom, "packaging").orElse("jar"),
              !deploySkipped(root, moduleDir)));
      collect(root, moduleDir, into);
    }
  }

  /** The nearest setting of maven.deploy.skip, from the module up to (not including) the root. */
  private static boolean deploySkipped(Path root, Path moduleDir) {
    for (Path dir = moduleDir; !dir.equals(root); dir = dir.getParent()) {
      Path pomFile = dir.resolve("pom.xml");
      if (Files.isRegularFile(pomFile)) {
        Optional<String> skip =
            Optional.ofNullable(child(read(pomFile), "properties"))
                .flatMap(properties -> text(properties, "maven.deploy.skip"));
        if (skip.isPresent()) {
          return Boolean.parseBoolean(skip.get().strip());
        }
      }
    }
    return false;
  }

  static Element read(Path pom) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document document = factory.newDocumentBuilder().parse(pom.toFile());
      return document.getDocumentElement();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot parse " + pom, e);
    }
  }

  /** The first child element with this name, or null. */
  static Element child(Element parent, String name) {
    if (parent == null) {
      return null;
    }
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element && element.getTagName().equals(name)) {
        return element;
      }
    }
    return null;
  }

  static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    if (parent == null) {
      return found;
    }
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element && element.getTagName().equals(name)) {
        found.add(element);
      }
    }
    return found;
  }

  /** The trimmed text of a child element; empty when absent or blank. */
  static Optional<String> text(Element parent, String name) {
    return Optional.ofNullable(child(parent, name))
        .map(element -> element.getTextContent().strip())
        .filter(text -> !text.isEmpty());
  }
}
