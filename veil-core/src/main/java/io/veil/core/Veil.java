package io.veil.core;

import io.veil.core.keys.VeilKeys;
import io.veil.core.transform.Restorer;
import io.veil.core.transform.RestorerCache;
import io.veil.core.transform.Transformer;
import io.veil.core.vault.InMemoryTokenVault;
import java.util.Objects;

/**
 * Veil as a library: find personal data, replace it before a text leaves, restore it in the answer.
 *
 * <pre>{@code
 * Veil veil = Veil.builder().build();                      // built-in recognizers, default policy
 * Scope scope = new Scope("acme", "conversation-42");
 * PseudonymizedText out = veil.pseudonymize(scope, "Mail jane.doe@example.com");
 * // out.text() -> "Mail <EMAIL_1>"
 * String answer = veil.restore(scope, "I wrote to <EMAIL_1>.");  // "I wrote to jane.doe@example.com."
 * }</pre>
 *
 * <p>Thread safety: immutable and thread-safe; build one and share it.
 *
 * <p>Failure: detection or vault failures throw {@link DetectionException} / {@link VaultException};
 * callers must then not forward the text (fail closed).
 *
 * <p><b>Security:</b> restore only in the scope that pseudonymized: scopes are the tenant boundary.
 */
public final class Veil {
  private final Analyzer analyzer;
  private final Policy policy;
  private final TokenVault vault;
  private final VeilKeys keys;
  private final Transformer transformer;
  private final RestorerCache restorers;

  private Veil(Builder b) {
    this.policy = b.policy == null ? Policy.defaults() : b.policy;
    this.analyzer = b.analyzer == null ? policy.newAnalyzer() : b.analyzer;
    this.vault = b.vault == null ? InMemoryTokenVault.create() : b.vault;
    this.keys = b.keys == null ? VeilKeys.generate() : b.keys;
    this.restorers = new RestorerCache(4096);
    this.transformer = Transformer.of(policy::operator, vault, keys, restorers);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Analyzer analyzer() {
    return analyzer;
  }

  public Policy policy() {
    return policy;
  }

  /** The vault holding this instance's token ↔ value mappings. */
  public TokenVault vault() {
    return vault;
  }

  /** Replaces personal data reversibly, as the policy says, with tokens stable within the scope. */
  public PseudonymizedText pseudonymize(Scope scope, String text) {
    return pseudonymize(scope, text, null);
  }

  /** As {@link #pseudonymize(Scope, String)}, with the text's language (ISO 639-1) when known. */
  public PseudonymizedText pseudonymize(Scope scope, String text, String language) {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(text, "text");
    return transformer.pseudonymize(scope, text, analyzer.analyze(text, language));
  }

  /**
   * As {@link #pseudonymize(Scope, String)}, with the findings of this instance's {@link #analyzer()}
   * for exactly {@code text} computed earlier (for example taken from a cache of detection results),
   * so detection is not run again.
   *
   * <p><b>Security:</b> whatever is not in {@code findings} is forwarded as it is. Pass only what
   * {@code analyzer().analyze(text, language)} returned for this very text (same characters, same
   * analyzer); findings of another text or another analyzer leak personal data.
   *
   * @throws IllegalArgumentException if findings overlap or lie outside the text
   */
  public PseudonymizedText pseudonymizeWith(Scope scope, String text, java.util.List<Finding> findings) {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(findings, "findings");
    return transformer.pseudonymize(scope, text, findings);
  }

  /**
   * Replaces personal data irreversibly: nothing is kept in the vault; the same value gets the same
   * token for the same tenant (a keyed hash), so embeddings stay consistent.
   */
  public PseudonymizedText anonymize(String tenant, String text) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(text, "text");
    return transformer.anonymize(tenant, text, analyzer.analyze(text, null));
  }

  /**
   * As {@link #anonymize(String, String)}, with findings computed earlier; the same
   * <b>Security</b> rule as {@link #pseudonymizeWith(Scope, String, java.util.List)} applies.
   */
  public PseudonymizedText anonymizeWith(String tenant, String text, java.util.List<Finding> findings) {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(findings, "findings");
    return transformer.anonymize(tenant, text, findings);
  }

  /**
   * Puts the original values back for every token of the scope found in {@code text}; see
   * {@link Restorer} for which spellings of a token are recognised.
   */
  public String restore(Scope scope, String text) {
    return restore(scope, text, RestoreFormat.TEXT);
  }

  /** As {@link #restore(Scope, String)}, writing values in the given format. */
  public String restore(Scope scope, String text, RestoreFormat format) {
    Objects.requireNonNull(text, "text");
    return restorer(scope, format).restore(text);
  }

  /** A restorer for one streamed answer in the scope. */
  public StreamingRestorer streamingRestorer(Scope scope, RestoreFormat format) {
    return restorer(scope, format).streaming();
  }

  /**
   * A restorer over a snapshot of the scope's entries: tokens minted after this call are not restored
   * by it. Build one per answer.
   */
  public Restorer restorer(Scope scope, RestoreFormat format) {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(format, "format");
    return restorers.restorer(vault, scope, format);
  }

  /**
   * As {@link #restorer(Scope, RestoreFormat)}, restoring only the tokens in {@code onlyTokens}; any
   * other token of the scope is left as it is.
   *
   * <p><b>Security:</b> use it where a scope may be shared by callers who must not see each other's
   * values (a scope derived from content rather than from an identity): pass the tokens the current
   * caller's own request produced, so an answer can only hold values the caller sent.
   */
  public Restorer restorer(Scope scope, RestoreFormat format, java.util.Set<String> onlyTokens) {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(onlyTokens, "onlyTokens");
    return restorers.restorer(vault, scope, format, onlyTokens);
  }

  /**
   * Drops the restore indexes this instance keeps in memory for recently used scopes (each holds original
   * values, for up to two minutes after the scope's last use). Restores afterwards read the vault again.
   *
   * <p><b>Security:</b> call it when values were erased from the vault (a data subject's erasure), so the erased
   * values leave this process's heap at once; a cached index is never used for a scope whose entries changed,
   * so this is about memory, not about what is restored.
   */
  public void forgetCachedValues() {
    restorers.invalidateAll();
  }

  /** How many restore indexes (one per recently used scope and format) this instance holds in memory. */
  public long cachedRestoreIndexes() {
    return restorers.size();
  }

  /** Builds a {@link Veil}. Not thread-safe. */
  public static final class Builder {
    private Analyzer analyzer;
    private Policy policy;
    private TokenVault vault;
    private VeilKeys keys;

    private Builder() {}

    /** Keys for the hash and encrypt operators and anonymization; fresh in-memory keys by default. */
    public Builder keys(VeilKeys keys) {
      this.keys = Objects.requireNonNull(keys);
      return this;
    }

    /** The detection engine; by default the one the policy describes. */
    public Builder analyzer(Analyzer analyzer) {
      this.analyzer = Objects.requireNonNull(analyzer);
      return this;
    }

    /** Which operator and threshold per type; {@link Policy#defaults()} by default. */
    public Builder policy(Policy policy) {
      this.policy = Objects.requireNonNull(policy);
      return this;
    }

    /** Where token ↔ value mappings live; an in-memory vault by default. */
    public Builder vault(TokenVault vault) {
      this.vault = Objects.requireNonNull(vault);
      return this;
    }

    public Veil build() {
      return new Veil(this);
    }
  }
}
