package io.veil.core.ner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ListContextTest {

  /** The facts of {@code text} as the model computes them (lexicon, rule layer and all). */
  private static ModelFeatures.Facts facts(String text) {
    ModelTokens tk = new ModelTokens(text);
    return new ModelFeatures.Facts(tk, GazetteerNerEngine.lexicon(), GazetteerNerEngine.load().analyze(text, "en"), "en");
  }

  private static int index(String text, String word) {
    ModelTokens tk = new ModelTokens(text);
    for (int t = 0; t < tk.size; t++) {
      if (text.substring(tk.starts[t], tk.ends[t]).equals(word)) {
        return t;
      }
    }
    throw new IllegalArgumentException(word);
  }

  /** The words of the text that are list members (non-zero list summary), in order. */
  private static List<String> members(String text) {
    ModelTokens tk = new ModelTokens(text);
    ModelFeatures.Facts f = facts(text);
    List<String> out = new ArrayList<>();
    for (int t = 0; t < tk.size; t++) {
      if (f.listRun[t] != 0) {
        out.add(text.substring(tk.starts[t], tk.ends[t]));
      }
    }
    return out;
  }

  static Stream<Arguments> lists() {
    return Stream.of(
        Arguments.of("Kónya, Becker and Vasquez founded it.", List.of("Kónya", "Becker", "Vasquez")),
        Arguments.of("Ask Kónya, Becker, and Vasquez.", List.of("Kónya", "Becker", "Vasquez")),
        Arguments.of("John Smith, Mary Jones and Bob Lee came.", List.of("John", "Smith", "Mary", "Jones", "Bob", "Lee")),
        Arguments.of("Barnett, Melton & Garcia LLC sued.", List.of("Barnett", "Melton", "Garcia", "LLC")),
        Arguments.of("Tom or Jerry?", List.of("Tom", "Jerry")),
        Arguments.of("Park and Mann were engineers.", List.of("Park", "Mann")),

        // not lists: one item, lower-case items, an upper-case "And", a line break, an over-long run
        Arguments.of("Becker founded it, and then left.", List.of()),
        Arguments.of("We met Anna in Rome and ate apples, pears and plums", List.of()),
        // lower-case words are never items, not even on a lower-case line
        Arguments.of("they had 3: natalina, thomas and crystal", List.of()),
        Arguments.of("we ate apples, pears and plums", List.of()),
        Arguments.of("Tom And Jerry", List.of()),
        Arguments.of("Becker,\nVasquez", List.of()),
        Arguments.of("Xavier Quentin Yates Zimmer and Becker", List.of()),
        Arguments.of("", List.of()));
  }

  @ParameterizedTest
  @MethodSource("lists")
  void findsListsOfCapitalisedItemsOnOneLine(String text, List<String> expected) {
    assertThat(members(text)).isEqualTo(expected);
  }

  static Stream<Arguments> summaries() {
    // text, word, other items the name lists know as names, other unknown items, items, position, company
    return Stream.of(
        Arguments.of("Kónya, Becker and Vasquez", "Kónya", 2, 0, 3, 0, 0),
        Arguments.of("Xqzbrt, Becker and Vasquez", "Becker", 1, 1, 3, 1, 0),
        Arguments.of("Xqzbrt, Becker and Vasquez", "Xqzbrt", 2, 0, 3, 0, 0),
        Arguments.of("Barnett, Melton and Garcia LLC", "Garcia", 2, 0, 3, 2, 1),
        Arguments.of("Barnett, Melton and Garcia Consulting", "Barnett", 2, 0, 3, 0, 1),
        Arguments.of("A, B, C, D and Becker", "Becker", 0, 2, 4, 2, 0));
  }

  @ParameterizedTest
  @MethodSource("summaries")
  void summarisesTheOtherItems(String text, String word, int names, int unknown, int items, int position, int company) {
    ModelFeatures.Facts f = facts(text);
    int v = f.listRun[index(text, word)];
    assertThat(v & 3).as("other known names").isEqualTo(names);
    assertThat(v >> 2 & 3).as("other unknown items").isEqualTo(unknown);
    assertThat(v >> 8 & 7).as("items, at most 4").isEqualTo(items);
    assertThat(v >> 11 & 3).as("position").isEqualTo(position);
    assertThat(v >> 7 & 1).as("company suffix").isEqualTo(company);
  }

  static Stream<Arguments> coarseValues() {
    // list summary (names 0-1, unknown 2-3, place 4, rule persons 5-6, company 7, ...) -> coarse fact
    return Stream.of(
        Arguments.of(0, 0),
        Arguments.of(1 << 13, 1),
        Arguments.of(1 << 13 | 2, 1 | 2 << 1),
        Arguments.of(1 << 13 | 1 | 2 << 5, 1 | 2 << 1),
        Arguments.of(1 << 13 | 1 << 7, 1 | 1 << 3),
        Arguments.of(1 << 13 | 1 << 4 | 2 << 2, 1 | 1 << 4));
  }

  @ParameterizedTest
  @MethodSource("coarseValues")
  void theCoarseFactKeepsNameEvidenceCompanyAndPlace(int run, int coarse) {
    assertThat(ListContext.coarse(run)).isEqualTo(coarse);
  }

  static Stream<Arguments> governingWords() {
    // text, list word, word before the list (or null), word after it (or null)
    return Stream.of(
        Arguments.of("Our founders: Leehy, Perkins and Copeland met at school.", "Perkins", "founders", "met"),
        Arguments.of("I work at Barnett, Melton & Garcia.", "Melton", "at", null),
        Arguments.of("Leehy, Perkins and Copeland\nmet", "Leehy", null, null));
  }

  @ParameterizedTest
  @MethodSource("governingWords")
  void recordsTheWordsAroundTheList(String text, String word, String before, String after) {
    ModelFeatures.Facts f = facts(text);
    int t = index(text, word);
    assertThat(f.listGov[t]).isEqualTo(before == null ? ListContext.NONE : f.word[index(text, before)]);
    assertThat(f.listNext[t]).isEqualTo(after == null ? ListContext.NONE : f.word[index(text, after)]);
  }

  @org.junit.jupiter.api.Test
  void germanTextGetsNoListContext() {
    String text = "Die Gründer Leehy, Perkins und Copeland, Anna, Paul.";
    ModelTokens tk = new ModelTokens(text);
    ModelFeatures.Facts f = new ModelFeatures.Facts(tk, GazetteerNerEngine.lexicon(),
        GazetteerNerEngine.load().analyze(text, "de"), "de");
    assertThat(f.listRun).containsOnly(0);
    assertThat(f.listGov).containsOnly(0);
    ModelFeatures.Facts en = facts(text);
    assertThat(en.listRun).isNotEqualTo(f.listRun);
  }

  @ParameterizedTest
  @MethodSource("separatorWords")
  void separatorsAreCommasAndLowerCaseConjunctions(String word, int kind) {
    ModelTokens tk = new ModelTokens(word);
    assertThat(ListContext.separator(tk, 0)).isEqualTo(kind);
  }

  static Stream<Arguments> separatorWords() {
    return Stream.of(
        Arguments.of(",", ListContext.COMMA), Arguments.of("&", ListContext.CONJUNCTION),
        Arguments.of("and", ListContext.CONJUNCTION), Arguments.of("or", ListContext.CONJUNCTION),
        Arguments.of("und", 0), Arguments.of("et", ListContext.CONJUNCTION),
        Arguments.of("y", ListContext.CONJUNCTION), Arguments.of("And", 0), Arguments.of("an", 0),
        Arguments.of("end", 0), Arguments.of("of", 0), Arguments.of(";", 0), Arguments.of("andy", 0));
  }
}
