package io.veil.ner.corenlp;

import edu.stanford.nlp.ie.crf.CRFClassifier;
import edu.stanford.nlp.ling.CoreLabel;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.zip.GZIPInputStream;

/**
 * Loads a serialized CoreNLP {@link CRFClassifier} ({@code *.crf.ser.gz}, gzip or plain) from a file or a class-path
 * resource.
 *
 * <p>Fail closed: every problem (not found, not readable, not a CRF classifier, a class outside CoreNLP and the JDK in
 * the stream) is an {@link IllegalStateException} naming the configured location and what went wrong; nothing
 * half-loaded is returned.
 *
 * <p><b>Security:</b> a classifier file is a Java serialization stream, and deserializing an attacker's stream can
 * run code. The stream is read with an {@link ObjectInputFilter} that admits only {@code edu.stanford.nlp.*} classes and
 * the JDK collections, boxes, locks and regular expressions CoreNLP's published models contain (and arrays of them and of
 * primitives), which blocks the known gadget chains of other
 * libraries on the class path; still, point {@code classifier} only at files the operator installed, never at a
 * location users can write.
 */
final class ClassifierLoader {
  /** Classes a CoreNLP CRF model may contain. */
  static final ObjectInputFilter FILTER = ObjectInputFilter.Config.createFilter(
      "maxdepth=64;edu.stanford.nlp.**;java.lang.*;java.util.*;java.util.concurrent.*;java.util.concurrent.locks.*;"
          + "java.util.concurrent.atomic.*;java.util.regex.Pattern;!*");

  private ClassifierLoader() {}

  /**
   * The classifier at {@code location}: a file path, else a class-path resource of the same name.
   *
   * @throws IllegalStateException if it cannot be found or loaded
   */
  static CRFClassifier<CoreLabel> load(String location) {
    String shown = shown(location);
    String[] rejected = new String[1];
    try (InputStream raw = open(location, shown)) {
      BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
      in.mark(2);
      boolean gzip = in.read() == 0x1f && in.read() == 0x8b;
      in.reset();
      InputStream body = gzip ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
      ObjectInputStream ois = new ObjectInputStream(body);
      ois.setObjectInputFilter(info -> {
        ObjectInputFilter.Status status = FILTER.checkInput(info);
        if (status == ObjectInputFilter.Status.REJECTED && rejected[0] == null) {
          rejected[0] = info.serialClass() == null ? "(stream limits)" : info.serialClass().getName();
        }
        return status;
      });
      // freeze the set of known lower-case words: CoreNLP otherwise adds the words of every text it classifies
      // (unbounded memory, and results that depend on what was seen before)
      Properties props = new Properties();
      props.setProperty("maxAdditionalKnownLCWords", "0");
      return CRFClassifier.getClassifier(ois, props);
    } catch (IllegalStateException e) {
      throw e;
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      if (rejected[0] != null) {
        throw new IllegalStateException("CoreNLP classifier " + shown + " was refused: it contains a class that is not"
            + " part of CoreNLP or the JDK (" + shown(rejected[0]) + ")");
      }
      throw new IllegalStateException("CoreNLP classifier " + shown + " could not be loaded: not a CoreNLP CRF"
          + " classifier, or damaged (" + e.getClass().getSimpleName() + ")");
    } catch (OutOfMemoryError e) {
      throw new IllegalStateException("CoreNLP classifier " + shown + " could not be loaded: out of heap (CoreNLP's English"
          + " 3-class model holds about 120 MB, the German one about 190 MB; raise -Xmx, e.g. through VEIL_JAVA_OPTS)");
    }
  }

  private static InputStream open(String location, String shown) throws IOException {
    Path file;
    try {
      file = Path.of(location);
    } catch (java.nio.file.InvalidPathException e) {
      file = null;
    }
    if (file != null && Files.isRegularFile(file)) {
      if (!Files.isReadable(file)) {
        throw new IllegalStateException("CoreNLP classifier " + shown + " is not readable");
      }
      return Files.newInputStream(file);
    }
    String resource = location.startsWith("classpath:") ? location.substring("classpath:".length()) : location;
    resource = resource.startsWith("/") ? resource.substring(1) : resource;
    InputStream in = null;
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    if (context != null) {
      in = context.getResourceAsStream(resource);
    }
    if (in == null) {
      in = ClassifierLoader.class.getClassLoader().getResourceAsStream(resource);
    }
    if (in == null) {
      throw new IllegalStateException("CoreNLP classifier " + shown + " not found (neither a file nor a class-path"
          + " resource; e.g. english.all.3class.distsim.crf.ser.gz from the stanford-corenlp models jar)");
    }
    return in;
  }

  /** The location for messages: it is configuration, not personal data, but keep it short and printable. */
  static String shown(String location) {
    String s = location.length() > 200 ? "..." + location.substring(location.length() - 200) : location;
    return "'" + s.replaceAll("\\p{Cntrl}", "?") + "'";
  }
}
