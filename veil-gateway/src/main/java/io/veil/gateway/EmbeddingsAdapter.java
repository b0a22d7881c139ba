package io.veil.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.core.RestoreFormat;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /v1/embeddings}: inputs are anonymized irreversibly (the same value gets the same
 * token for the tenant, so embeddings stay consistent); nothing to restore in the answer.
 */
final class EmbeddingsAdapter implements ProtocolAdapter {
  private static final Set<String> FIELDS = Set.of("model", "input", "encoding_format", "dimensions", "user");

  private final ProtocolVocabulary vocabulary;

  /** With the protocol words of the OpenAI API reference. */
  EmbeddingsAdapter() {
    this(ProtocolVocabulary.STANDARD);
  }

  /** With {@code vocabulary}'s words for the fields that have a fixed set of values. */
  EmbeddingsAdapter(ProtocolVocabulary vocabulary) {
    this.vocabulary = java.util.Objects.requireNonNull(vocabulary, "vocabulary");
  }

  @Override
  public Set<String> allowedFields() {
    return FIELDS;
  }

  @Override
  public void pseudonymize(ObjectNode body, TextTransform t) {
    VerbatimFields.check(body, Set.of("input", "user"), java.util.Map.of());
    ProtocolVocabulary.check(body, "", vocabulary.embeddings());
    CompletionsAdapter.transformStrings(body, "input", t, true);
  }

  @Override
  public String firstUserText(ObjectNode body) {
    return null;
  }

  @Override
  public StreamTransformer streamTransformer(Restorers restorers, RestoreFormat answerText) {
    return new StreamTransformer() {
      @Override
      public List<SseEvent> onEvent(SseEvent event) {
        return List.of(event);
      }

      @Override
      public List<SseEvent> onEnd() {
        return List.of();
      }
    };
  }
}
