package io.veil.ner.corenlp;

import edu.stanford.nlp.ie.crf.CRFClassifier;
import edu.stanford.nlp.ling.CoreAnnotations;
import edu.stanford.nlp.ling.CoreLabel;
import edu.stanford.nlp.process.CoreLabelTokenFactory;
import edu.stanford.nlp.process.PTBTokenizer;
import edu.stanford.nlp.process.WordToSentenceProcessor;
import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.NerEngine;
import io.veil.core.Recognizer;
import io.veil.core.ner.LanguageGuess;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code corenlp} engine: CoreNLP's PTB tokenizer, its sentence splitter and one {@link CRFClassifier} per
 * language, without the rest of the CoreNLP pipeline.
 *
 * <p>Which classifier: the one for the {@code language} argument if configured, else the one for
 * {@link LanguageGuess#guess(String)}'s answer if configured, else the default one. PERSON, LOCATION and ORGANIZATION
 * labels (also PER/LOC/ORG with or without IOB prefixes) become findings of those types with score
 * {@value #SCORE}; MISC and other labels are ignored. Consecutive tokens with the same label form one finding (a
 * {@code B-} prefix starts a new one). Offsets are CoreNLP's token begin/end positions, which are UTF-16 indices
 * into the analysed string, as {@link Finding} wants.
 *
 * <p>Thread safety: one instance serves all threads. CoreNLP's {@code CRFClassifier.classifySentence} keeps no per-call
 * state in the classifier (CoreNLP's own NER annotator shares one classifier between its threads); the one shared
 * mutable structure, the set of known lower-case words, is frozen at load ({@code maxAdditionalKnownLCWords=0}).
 * Tokenizer and sentence splitter are created per call.
 *
 * <p>CoreNLP has no address type; unless configured off ({@code address: none}), Veil's own street-address scanner
 * ({@code GazetteerNerEngine.addressRecognizer()}) runs beside it and its ADDRESS findings are added, replacing the
 * CoreNLP findings they overlap, so choosing this engine does not silently stop address detection.
 *
 * <p>Memory and time: linear in the text; each sentence is classified alone, and a sentence longer than
 * {@value #MAX_SENTENCE_TOKENS} tokens is cut into pieces of that size, so the CRF lattice stays bounded.
 *
 * <p>Failure: any exception from CoreNLP during analysis becomes an {@link IllegalStateException} that names only
 * the exception's class (CoreNLP messages may quote the text), which fails the analysis closed.
 *
 * <p><b>Security:</b> the tokenizer is told not to report untokenizable characters ({@code untokenizable=noneKeep}),
 * because CoreNLP would otherwise log them, with their context, to standard error.
 */
final class CoreNlpNerEngine implements NerEngine {
  static final double SCORE = 0.85;
  static final int MAX_SENTENCE_TOKENS = 256;
  /** English (PTB) tokenization, as CoreNLP's English models were trained with; never logs text. */
  private static final String TOKENIZER_OPTIONS = "invertible=false,untokenizable=noneKeep";
  /** CoreNLP's German pipeline settings (its German model was trained on text with hyphenated words split). */
  private static final String TOKENIZER_OPTIONS_DE =
      "invertible=false,untokenizable=noneKeep,ptb3Escaping=false,splitHyphenated=true,splitForwardSlash=false";

  private final CRFClassifier<CoreLabel> fallback;
  private final Map<String, CRFClassifier<CoreLabel>> byLanguage;
  private final Recognizer addresses;

  /**
   * @param fallback the classifier for texts whose language has none of its own
   * @param byLanguage classifiers by ISO 639-1 code (lower case)
   * @param addresses a recognizer whose ADDRESS findings are added (CoreNLP has no address type), or null
   */
  CoreNlpNerEngine(CRFClassifier<CoreLabel> fallback, Map<String, CRFClassifier<CoreLabel>> byLanguage,
      Recognizer addresses) {
    this.fallback = fallback;
    this.byLanguage = Map.copyOf(byLanguage);
    this.addresses = addresses;
  }

  @Override
  public String name() {
    return "corenlp";
  }

  @Override
  public Set<EntityType> entityTypes() {
    return addresses == null
        ? Set.of(EntityType.PERSON, EntityType.LOCATION, EntityType.ORGANIZATION)
        : Set.of(EntityType.PERSON, EntityType.LOCATION, EntityType.ORGANIZATION, EntityType.ADDRESS);
  }

  @Override
  public Set<String> languages() {
    return Set.of();
  }

  @Override
  public List<Finding> analyze(String text, String language) {
    if (text.isBlank()) {
      return List.of();
    }
    String lang = language;
    if (lang == null && !byLanguage.isEmpty()) {
      lang = LanguageGuess.guess(text);
    }
    String key = lang == null ? null : lang.toLowerCase(java.util.Locale.ROOT);
    CRFClassifier<CoreLabel> classifier = key == null ? fallback : byLanguage.getOrDefault(key, fallback);
    String options = "de".equals(key) && classifier != fallback ? TOKENIZER_OPTIONS_DE : TOKENIZER_OPTIONS;
    List<Finding> found;
    try {
      found = classify(classifier, text, options);
    } catch (RuntimeException | StackOverflowError e) {
      throw new IllegalStateException("CoreNLP classification failed (" + e.getClass().getSimpleName() + ")");
    }
    return addresses == null ? found : withAddresses(found, addresses.analyze(text, language));
  }

  /**
   * CoreNLP's findings plus the address findings; an address wins over the CoreNLP findings it overlaps. The address
   * findings are disjoint (the scanner resolves its own overlaps), so sorted by start their ends are sorted too and a
   * binary search finds the one address a finding could overlap: O((n + m) log m).
   */
  private static List<Finding> withAddresses(List<Finding> found, List<Finding> addressFindings) {
    List<Finding> addr = new ArrayList<>(addressFindings.size());
    for (Finding a : addressFindings) {
      if (a.type().equals(EntityType.ADDRESS)) {
        addr.add(a);
      }
    }
    if (addr.isEmpty()) {
      return found;
    }
    addr.sort(java.util.Comparator.comparingInt(Finding::start));
    List<Finding> out = new ArrayList<>(addr);
    for (Finding f : found) {
      // the last address starting before f ends
      int lo = 0;
      int hi = addr.size() - 1;
      int last = -1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        if (addr.get(mid).start() < f.end()) {
          last = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      boolean overlapsAddress = false;
      for (int i = last; i >= 0 && !overlapsAddress; i--) {
        Finding a = addr.get(i);
        overlapsAddress = a.overlaps(f);
        if (a.end() <= f.start()) {
          break;
        }
      }
      if (!overlapsAddress) {
        out.add(f);
      }
    }
    out.sort(java.util.Comparator.comparingInt(Finding::start));
    return out;
  }

  private List<Finding> classify(CRFClassifier<CoreLabel> classifier, String text, String options) {
    PTBTokenizer<CoreLabel> tokenizer = new PTBTokenizer<>(new StringReader(text), new CoreLabelTokenFactory(), options);
    List<CoreLabel> tokens = tokenizer.tokenize();
    if (tokens.isEmpty()) {
      return List.of();
    }
    List<Finding> out = new ArrayList<>();
    for (List<CoreLabel> sentence : new WordToSentenceProcessor<CoreLabel>().process(tokens)) {
      for (int from = 0; from < sentence.size(); from += MAX_SENTENCE_TOKENS) {
        // classifySentence copies the tokens (offsets included) and adds the features the CRF expects (word shape,
        // normalized word) before classifying; classify(List) alone would see bare tokens and tag everything O
        List<CoreLabel> tagged = classifier.classifySentence(
            sentence.subList(from, Math.min(sentence.size(), from + MAX_SENTENCE_TOKENS)));
        collect(tagged, text, out);
      }
    }
    return out;
  }

  /** Turns runs of labelled tokens into findings. */
  private void collect(List<CoreLabel> tagged, String text, List<Finding> out) {
    EntityType open = null;
    int start = -1;
    int end = -1;
    for (CoreLabel token : tagged) {
      String label = token.get(CoreAnnotations.AnswerAnnotation.class);
      boolean begins = label != null && (label.startsWith("B-") || label.startsWith("S-"));
      EntityType type = type(label);
      int b = token.beginPosition();
      int e = token.endPosition();
      if (open != null && (type != open || begins)) {
        add(out, text, start, end, open);
        open = null;
      }
      if (type != null && b >= 0 && e > b) {
        if (open == null) {
          open = type;
          start = b;
        }
        end = e;
      }
    }
    if (open != null) {
      add(out, text, start, end, open);
    }
  }

  private void add(List<Finding> out, String text, int start, int end, EntityType type) {
    int s = Math.max(0, start);
    int e = Math.min(text.length(), end);
    // never cut a surrogate pair (CoreNLP's offsets are UTF-16 and land on token bounds; this only guards)
    if (s > 0 && s < text.length() && Character.isLowSurrogate(text.charAt(s)) && Character.isHighSurrogate(text.charAt(s - 1))) {
      s--;
    }
    if (e > 0 && e < text.length() && Character.isHighSurrogate(text.charAt(e - 1)) && Character.isLowSurrogate(text.charAt(e))) {
      e++;
    }
    if (e > s) {
      out.add(new Finding(s, e, type, SCORE, name()));
    }
  }

  /** PERSON, LOCATION, ORGANIZATION for CoreNLP's label names (with or without IOB prefix), else null. */
  static EntityType type(String label) {
    if (label == null) {
      return null;
    }
    String l = label.length() > 2 && label.charAt(1) == '-' ? label.substring(2) : label;
    return switch (l) {
      case "PERSON", "PER" -> EntityType.PERSON;
      case "LOCATION", "LOC" -> EntityType.LOCATION;
      case "ORGANIZATION", "ORG" -> EntityType.ORGANIZATION;
      default -> null;
    };
  }
}
