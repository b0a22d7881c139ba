package io.veil.ner.corenlp;

import edu.stanford.nlp.ie.crf.CRFClassifier;
import edu.stanford.nlp.ling.CoreLabel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;

/**
 * Trains small real CoreNLP CRF classifiers with CoreNLP's own training API on a synthetic labelled set, so the tests
 * exercise the provider's loading and tagging without CoreNLP's 474 MB published models.
 */
final class TinyCrf {
  static final String[] FIRST = {"Alice", "Bruno", "Chiara", "Dmitri", "Emma", "Farid", "Greta", "Hiro", "Ines",
      "Jonas", "Kwame", "Lena", "Mateo", "Nadia", "Oskar", "Priya"};
  static final String[] LAST = {"Brown", "Rossi", "Novak", "Tanaka", "Schmidt", "Okafor", "Lindqvist", "Haddad",
      "Moreau", "Kowalski", "Silva", "Jensen"};
  static final String[] CITY = {"Paris", "Nairobi", "Lisbon", "Osaka", "Denver", "Krakow", "Toronto", "Oslo", "Quito",
      "Madrid"};
  static final String[] ORG = {"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne"};
  static final String[] MISC = {"English", "French", "Olympic", "Christmas"};

  private TinyCrf() {}

  /**
   * Trains a classifier and writes it gzip-serialized to {@code dir/name}.
   *
   * @param iob2 if true the labels are B-PER/I-PER/B-LOC/I-LOC/B-ORG/I-ORG/B-MISC (as some CoreNLP models use)
   *     instead of PERSON/LOCATION/ORGANIZATION/MISC
   * @param swapped if true people are labelled as places and places as people, so a test can tell which of two
   *     classifiers tagged a text
   */
  static Path train(Path dir, String name, boolean iob2, boolean swapped) throws IOException {
    Path train = dir.resolve(name + ".train.tsv");
    Random rnd = new Random(42);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 240; i++) {
      String first = FIRST[rnd.nextInt(FIRST.length)];
      String last = LAST[rnd.nextInt(LAST.length)];
      String city = CITY[rnd.nextInt(CITY.length)];
      String org = ORG[rnd.nextInt(ORG.length)];
      String misc = MISC[rnd.nextInt(MISC.length)];
      String per = swapped ? "LOC" : "PER";
      String loc = swapped ? "PER" : "LOC";
      List<String[]> s = new ArrayList<>();
      switch (i % 6) {
        case 0 -> {
          words(s, "O", "My", "name", "is");
          entity(s, per, iob2, first, last);
          words(s, "O", "and", "I", "live", "in");
          entity(s, loc, iob2, city);
        }
        case 1 -> {
          entity(s, per, iob2, first, last);
          words(s, "O", "works", "at");
          entity(s, "ORG", iob2, org, "Inc");
          words(s, "O", "in");
          entity(s, loc, iob2, city);
        }
        case 2 -> {
          words(s, "O", "Please", "call");
          entity(s, per, iob2, first);
          words(s, "O", "about", "the");
          entity(s, "MISC", iob2, misc);
          words(s, "O", "party", "tomorrow");
        }
        case 3 -> {
          words(s, "O", "We", "flew", "from");
          entity(s, loc, iob2, city);
          words(s, "O", "to");
          entity(s, loc, iob2, CITY[(rnd.nextInt(CITY.length))]);
          words(s, "O", "with");
          entity(s, per, iob2, first, last);
        }
        case 4 -> {
          words(s, "O", "The", "meeting", "is", "on", "Monday", "and", "the", "report", "is", "ready");
        }
        default -> {
          words(s, "O", "Contact");
          entity(s, "ORG", iob2, org);
          words(s, "O", "support", ",", "ask", "for");
          entity(s, per, iob2, last);
        }
      }
      words(s, "O", ".");
      for (String[] t : s) {
        sb.append(t[0]).append('\t').append(t[1]).append('\n');
      }
      sb.append('\n');
    }
    Files.writeString(train, sb.toString(), StandardCharsets.UTF_8);
    Path out = dir.resolve(name);
    Properties p = new Properties();
    p.setProperty("trainFile", train.toString());
    p.setProperty("serializeTo", out.toString());
    p.setProperty("map", "word=0,answer=1");
    p.setProperty("useClassFeature", "true");
    p.setProperty("useWord", "true");
    p.setProperty("useNGrams", "true");
    p.setProperty("noMidNGrams", "true");
    p.setProperty("maxNGramLeng", "6");
    p.setProperty("usePrev", "true");
    p.setProperty("useNext", "true");
    p.setProperty("useSequences", "true");
    p.setProperty("usePrevSequences", "true");
    p.setProperty("maxLeft", "1");
    p.setProperty("useTypeSeqs", "true");
    p.setProperty("useTypeSeqs2", "true");
    p.setProperty("useTypeySequences", "true");
    p.setProperty("wordShape", "chris2useLC");
    p.setProperty("useDisjunctive", "true");
    p.setProperty("QNsize", "10");
    p.setProperty("maxIterations", "60");
    CRFClassifier<CoreLabel> crf = new CRFClassifier<>(p);
    crf.train();
    crf.serializeClassifier(out.toString());
    return out;
  }

  private static void words(List<String[]> s, String label, String... words) {
    for (String w : words) {
      s.add(new String[] {w, label});
    }
  }

  private static void entity(List<String[]> s, String type, boolean iob2, String... words) {
    for (int i = 0; i < words.length; i++) {
      String label = iob2 ? (i == 0 ? "B-" : "I-") + type : switch (type) {
        case "PER" -> "PERSON";
        case "LOC" -> "LOCATION";
        case "ORG" -> "ORGANIZATION";
        default -> type;
      };
      s.add(new String[] {words[i], label});
    }
  }
}
