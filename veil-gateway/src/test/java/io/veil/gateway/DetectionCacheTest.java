package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.core.Analyzer;
import io.veil.core.DetectionException;
import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.Recognizer;
import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DetectionCacheTest {
  static final String TENANT = "acme";
  static final String TEXT = "You are the support bot of Acme. Escalate to jane.doe@example.com when a customer is upset.";

  /** Finds e-mail addresses; counts how often it is run; fails while {@code fail} is set. */
  static final class CountingRecognizer implements Recognizer {
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,200}\\.[A-Za-z]{2,10}");
    final AtomicInteger runs = new AtomicInteger();
    final AtomicBoolean fail = new AtomicBoolean();

    @Override
    public String name() {
      return "counting-email";
    }

    @Override
    public Set<EntityType> entityTypes() {
      return Set.of(EntityType.EMAIL);
    }

    @Override
    public List<Finding> analyze(String text, String language) {
      runs.incrementAndGet();
      if (fail.get()) {
        throw new IllegalStateException("boom");
      }
      List<Finding> out = new ArrayList<>();
      for (Matcher m = EMAIL.matcher(text); m.find(); ) {
        out.add(new Finding(m.start(), m.end(), EntityType.EMAIL, 0.99, name()));
      }
      return out;
    }
  }

  final CountingRecognizer recognizer = new CountingRecognizer();
  final Analyzer analyzer = Analyzer.builder().addRecognizer(recognizer).build();

  static DetectionCacheConfig config(long maxEntries, long maxWeightBytes, int minChars) {
    return new DetectionCacheConfig(true, maxEntries, maxWeightBytes, Duration.ofMinutes(10), minChars);
  }

  DetectionCache cache() {
    return DetectionCache.create(config(1000, 1 << 20, 16), () -> 0L);
  }

  @Test
  void theSameTextOfTheSameTenantIsAnalysedOnceAndGetsExactlyTheAnalyzersFindings() {
    DetectionCache cache = cache();
    DetectionCache.Detector d = cache.detector(analyzer);
    List<Finding> first = d.findings(TENANT, null, TEXT);
    List<Finding> second = d.findings(TENANT, null, TEXT);
    assertThat(recognizer.runs).hasValue(1);
    assertThat(second).isSameAs(first).isEqualTo(analyzer.analyze(TEXT, null)).hasSize(1);
    assertThat(cache.stats().hitCount()).isEqualTo(1);
    assertThat(cache.stats().missCount()).isEqualTo(1);
    assertThatThrownBy(() -> second.add(first.get(0))).as("shared between requests: immutable")
        .isInstanceOf(UnsupportedOperationException.class);
  }

  /** Every input of detection (and the tenant, for isolation): changing any one of them misses. */
  static Stream<Arguments> eachInputOfDetection() {
    String other = TEXT.replace("upset", "Upset");
    return Stream.of(
        Arguments.of("tenant", "globex", null, TEXT),
        Arguments.of("tenant spelled with the text's first characters moved into it", TENANT + "Y",
            null, TEXT.substring(1)),
        Arguments.of("language hint given", TENANT, "en", TEXT),
        Arguments.of("text, one letter's case", TENANT, null, other),
        Arguments.of("text, a trailing space", TENANT, null, TEXT + " "),
        Arguments.of("text, a zero-width space", TENANT, null, TEXT.replace("jane", "ja\u200Bne")),
        Arguments.of("text, a lone surrogate instead of U+FFFD", TENANT, null, TEXT + "\uD800"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("eachInputOfDetection")
  void changingAnyInputOfDetectionMissesTheCache(String what, String tenant, String language, String text) {
    DetectionCache cache = cache();
    DetectionCache.Detector d = cache.detector(analyzer);
    d.findings(TENANT, null, TEXT);
    d.findings(TENANT, null, TEXT + "\uFFFD");
    int before = recognizer.runs.get();
    assertThat(d.findings(tenant, language, text)).isEqualTo(analyzer.analyze(text, language));
    assertThat(recognizer.runs.get() - before).as(what + ": analysed afresh (plus the reference analysis)")
        .isEqualTo(2);
    assertThat(cache.stats().hitCount()).as(what).isZero();
  }

  @Test
  void byDefaultOnlyTheSameConversationScopeSharesEntriesTenantSharingSharesAcrossConversations() {
    DetectionCache.Detector d = cache().detector(analyzer);
    d.findings(TENANT, "c:one", null, TEXT);
    d.findings(TENANT, "c:one", null, TEXT);
    assertThat(recognizer.runs).as("the same conversation hits").hasValue(1);
    d.findings(TENANT, "c:two", null, TEXT);
    assertThat(recognizer.runs).as("another conversation of the tenant misses: no timing signal between them")
        .hasValue(2);
    d.findings(TENANT, null, null, TEXT);
    assertThat(recognizer.runs).as("no conversation is a partition of its own").hasValue(3);

    recognizer.runs.set(0);
    DetectionCache tenantWide = DetectionCache.create(
        config(1000, 1 << 20, 16).withSharing(DetectionCacheConfig.Sharing.TENANT), () -> 0L);
    DetectionCache.Detector t = tenantWide.detector(analyzer);
    t.findings(TENANT, "c:one", null, TEXT);
    t.findings(TENANT, "c:two", null, TEXT);
    assertThat(recognizer.runs).as("shared per tenant: a system prompt hits across conversations").hasValue(1);
    t.findings("other-tenant", "c:one", null, TEXT);
    assertThat(recognizer.runs).as("never across tenants").hasValue(2);
  }

  @Test
  void anotherAnalyzerAnotherPolicyNerEngineAllowOrDenyListNeverSharesEntries() {
    DetectionCache cache = cache();
    // the same recognizer, but an allow-list entry: detection differs, so the result must not be shared
    Analyzer allowing = Analyzer.builder().addRecognizer(recognizer).allow("jane.doe@example.com").build();
    Analyzer denying = Analyzer.builder().addRecognizer(recognizer).deny(EntityType.ORGANIZATION, "Acme").build();
    Analyzer stricter = Analyzer.builder().addRecognizer(recognizer).threshold(EntityType.EMAIL, 1.0).build();
    assertThat(cache.detector(analyzer).findings(TENANT, null, TEXT)).hasSize(1);
    assertThat(cache.detector(allowing).findings(TENANT, null, TEXT)).isEmpty();
    assertThat(cache.detector(denying).findings(TENANT, null, TEXT)).hasSizeGreaterThan(1);
    assertThat(cache.detector(stricter).findings(TENANT, null, TEXT)).isEmpty();
    // a second view of the same analyzer (e.g. after a reload) does not share either: a fresh id per view
    assertThat(cache.detector(analyzer).findings(TENANT, null, TEXT)).hasSize(1);
    assertThat(cache.stats().hitCount()).isZero();
    assertThat(recognizer.runs).hasValue(5);
  }

  @Test
  void offOrShorterThanMinCharsAnalysesEveryTimeAndCountsItAsBypassed() {
    DetectionCache off = DetectionCache.create(DetectionCacheConfig.off());
    DetectionCache.Detector d = off.detector(analyzer);
    d.findings(TENANT, null, TEXT);
    d.findings(TENANT, null, TEXT);
    assertThat(recognizer.runs).hasValue(2);
    assertThat(off.bypassed()).isEqualTo(2);
    assertThat(off.entries()).isZero();

    DetectionCache on = DetectionCache.create(config(1000, 1 << 20, TEXT.length() + 1), () -> 0L);
    DetectionCache.Detector e = on.detector(analyzer);
    e.findings(TENANT, null, TEXT);
    e.findings(TENANT, null, TEXT);
    assertThat(recognizer.runs).hasValue(4);
    assertThat(on.bypassed()).isEqualTo(2);
    assertThat(on.stats().missCount()).isZero();
  }

  @Test
  void aFailedDetectionPropagatesAndIsNotCached() {
    DetectionCache cache = cache();
    DetectionCache.Detector d = cache.detector(analyzer);
    recognizer.fail.set(true);
    assertThatThrownBy(() -> d.findings(TENANT, null, TEXT)).isInstanceOf(DetectionException.class)
        .hasMessageNotContaining("jane");
    assertThat(cache.entries()).isZero();
    recognizer.fail.set(false);
    assertThat(d.findings(TENANT, null, TEXT)).hasSize(1);
  }

  @Test
  void boundedByEntries() {
    DetectionCache cache = DetectionCache.create(config(5, 1 << 20, 0), () -> 0L);
    DetectionCache.Detector d = cache.detector(analyzer);
    for (int i = 0; i < 50; i++) {
      d.findings(TENANT, null, TEXT + i);
    }
    cache.cleanUp();
    assertThat(cache.entries()).isLessThanOrEqualTo(5);
    assertThat(cache.stats().evictionCount()).isGreaterThanOrEqualTo(45);
  }

  @Test
  void boundedByWeightWhereTextsHoldManyFindings() {
    long maxWeight = 64 * 1024;
    DetectionCache cache = DetectionCache.create(config(1_000_000, maxWeight, 0), () -> 0L);
    DetectionCache.Detector d = cache.detector(analyzer);
    String many = "a@example.com ".repeat(100); // 100 findings: ~5 KB estimated per entry
    for (int i = 0; i < 100; i++) {
      assertThat(d.findings(TENANT, null, many + i)).hasSize(100);
    }
    cache.cleanUp();
    assertThat(cache.weightBytes()).isLessThanOrEqualTo(maxWeight);
    assertThat(cache.entries()).isBetween(1L, maxWeight / (DetectionCache.FINDING_BYTES * 100L));
  }

  @Test
  void entriesExpireAfterTheConfiguredTime() {
    AtomicLong nanos = new AtomicLong();
    DetectionCache cache = DetectionCache.create(
        new DetectionCacheConfig(true, 100, 1 << 20, Duration.ofSeconds(30), 0), nanos::get);
    DetectionCache.Detector d = cache.detector(analyzer);
    d.findings(TENANT, null, TEXT);
    nanos.addAndGet(Duration.ofSeconds(29).toNanos());
    d.findings(TENANT, null, TEXT);
    assertThat(recognizer.runs).hasValue(1);
    nanos.addAndGet(Duration.ofSeconds(2).toNanos());
    d.findings(TENANT, null, TEXT);
    assertThat(recognizer.runs).as("30 s after it was computed, used or not").hasValue(2);
  }

  static final String ALICE = "a".repeat(64);
  static final String BOB = "b".repeat(64);

  /**
   * Before: an erased user's conversations kept their cached findings (where in which text personal data
   * of which type was) until they expired, 10 minutes by default.
   */
  @Test
  void anErasureDropsTheEntriesOfTheUsersConversationScopesAtOnceAndNoOthers() {
    DetectionCache cache = cache();
    DetectionCache.Detector d = cache.detector(analyzer);
    cache.linkSubject(ALICE, TENANT, "c:one");
    cache.linkSubject(BOB, TENANT, "c:one"); // Bob in Alice's conversation: it is still hers
    cache.linkSubject(BOB, TENANT, "c:two");
    d.findings(TENANT, "c:one", null, TEXT);
    d.findings(TENANT, "c:one", null, TEXT + " Thanks.");
    d.findings(TENANT, "c:two", null, TEXT);
    d.findings("globex", "c:one", null, TEXT);
    assertThat(recognizer.runs).hasValue(4);

    assertThat(cache.dropSubject(ALICE)).isEqualTo(2);

    d.findings(TENANT, "c:one", null, TEXT);
    assertThat(recognizer.runs).as("Alice's conversation is analysed afresh").hasValue(5);
    d.findings(TENANT, "c:two", null, TEXT);
    d.findings("globex", "c:one", null, TEXT);
    assertThat(recognizer.runs).as("Bob's own conversation and another tenant's are kept").hasValue(5);
    assertThat(cache.dropSubject(ALICE)).as("her links went with the erasure").isZero();
    assertThat(cache.dropSubject("c".repeat(64))).as("a user never seen").isZero();
  }

  @Test
  void withTenantSharingAnErasureDropsTheTenantsEntries() {
    DetectionCache cache = DetectionCache.create(
        config(1000, 1 << 20, 16).withSharing(DetectionCacheConfig.Sharing.TENANT), () -> 0L);
    DetectionCache.Detector d = cache.detector(analyzer);
    cache.linkSubject(ALICE, TENANT, "c:one");
    d.findings(TENANT, "c:one", null, TEXT);
    d.findings(TENANT, "c:two", null, TEXT + " Thanks.");
    d.findings("globex", "c:one", null, TEXT);
    assertThat(cache.dropSubject(ALICE)).as("the tenant's entries are shared by all its conversations").isEqualTo(2);
    d.findings("globex", "c:one", null, TEXT);
    assertThat(recognizer.runs).as("another tenant's entry is kept").hasValue(3);
  }

  @Test
  void whenALinkWasLostToTheSizeBoundAnErasureDropsEverything() {
    AtomicLong nanos = new AtomicLong();
    DetectionCache cache = DetectionCache.create(config(2, 1 << 20, 16), nanos::get);
    DetectionCache.Detector d = cache.detector(analyzer);
    d.findings("globex", "c:x", null, TEXT);
    for (int i = 0; i < 20; i++) {
      cache.linkSubject(Integer.toHexString(i).repeat(64).substring(0, 64), TENANT, "c:" + i);
    }
    cache.cleanUp();
    assertThat(cache.dropSubject(ALICE)).as("Alice's link may be among the lost ones").isEqualTo(1);
    d.findings("globex", "c:x", null, TEXT);
    assertThat(recognizer.runs).hasValue(2);

    nanos.addAndGet(Duration.ofMinutes(11).toNanos());
    d.findings("globex", "c:x", null, TEXT);
    assertThat(cache.dropSubject(ALICE)).as("a lost link older than the expiry points at nothing left").isZero();
  }

  /** What a heap dump of the cache holds: hash words as keys, offsets/types/scores as values. */
  @Test
  void theCacheHoldsNoText() throws Exception {
    Class<?> key = Class.forName(DetectionCache.class.getName() + "$Key");
    for (RecordComponent c : key.getRecordComponents()) {
      assertThat(c.getType()).as("a key is a hash, nothing else").isEqualTo(long.class);
    }
    Class<?> link = Class.forName(DetectionCache.class.getName() + "$Link");
    for (RecordComponent c : link.getRecordComponents()) {
      assertThat(c.getType()).as("a user's link to a scope is two hashes, no ids").isEqualTo(long.class);
    }
    for (Field f : Finding.class.getDeclaredFields()) {
      if (f.getType() == String.class) {
        assertThat(f.getName()).as("the only string of a finding is its recognizer's name").isEqualTo("recognizer");
      }
    }
    DetectionCache cache = cache();
    List<Finding> cached = cache.detector(analyzer).findings(TENANT, null, TEXT);
    assertThat(cached).allSatisfy(f -> assertThat(f.recognizer()).isSameAs(recognizer.name()));
    assertThat(cache.toString()).doesNotContain("jane").doesNotContain(TENANT);
  }

  @Test
  void itsCountersAreInTheMetrics() {
    DetectionCache cache = cache();
    GatewayMetrics metrics = new GatewayMetrics();
    metrics.detectionCache(cache);
    DetectionCache.Detector d = cache.detector(analyzer);
    d.findings(TENANT, null, TEXT);
    d.findings(TENANT, null, TEXT);
    d.findings(TENANT, null, "short");
    String scrape = metrics.scrape();
    assertThat(scrape).contains("veil_detection_cache_hits_total 1.0", "veil_detection_cache_misses_total 1.0",
        "veil_detection_cache_bypassed_total 1.0", "veil_detection_cache_evictions_total 0.0",
        "veil_detection_cache_entries 1.0", "veil_detection_cache_weight_bytes")
        .doesNotContain("jane").doesNotContain(TENANT);
  }
}
