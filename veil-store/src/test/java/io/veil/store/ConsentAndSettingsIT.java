package io.veil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(TestDatabases.class)
class ConsentAndSettingsIT {
  @Parameter TestDatabases backend;
  @TempDir Path keyDir;

  static final Subject ALICE = new Subject("acme", "alice@example.org");
  MutableClock clock;
  DatabaseConfig config;
  Database db;
  SubjectKeys keys;
  ConsentStore consents;
  PrivacySettingsStore settings;
  PrivacyRequestStore requests;

  @BeforeEach
  void open() {
    clock = new MutableClock();
    config = backend.fresh(clock);
    db = Database.open(config);
    keys = new SubjectKeys(db, KeyManager.openOrCreate(keyDir));
    // cached as the gateway runs them, with a TTL far longer than any test: every test below that reads,
    // writes and reads again checks that this process's writes reach the next read at once
    consents = new ConsentStore(db, keys, Duration.ofMinutes(10));
    settings = new PrivacySettingsStore(db, keys, Duration.ofMinutes(10));
    requests = new PrivacyRequestStore(db, keys);
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void grantWithdrawKeepsHistoryAndCurrentState() {
    assertThat(consents.current(ALICE, Purpose.LLM_PROCESSING)).isEmpty();
    consents.grant(ALICE, Purpose.LLM_PROCESSING, "web-form", "notice-1");
    clock.advance(Duration.ofMinutes(1));
    consents.grant(ALICE, Purpose.ANALYTICS, "web-form", "notice-1");
    clock.advance(Duration.ofMinutes(1));
    consents.withdraw(ALICE, Purpose.LLM_PROCESSING, "api", "notice-2");
    ConsentDecision llm = consents.current(ALICE, Purpose.LLM_PROCESSING).orElseThrow();
    assertThat(llm.granted()).isFalse();
    assertThat(llm.source()).isEqualTo("api");
    assertThat(llm.noticeVersion()).isEqualTo("notice-2");
    assertThat(consents.current(ALICE, Purpose.ANALYTICS).orElseThrow().granted()).isTrue();
    assertThat(consents.history(ALICE)).extracting(ConsentDecision::granted).containsExactly(true, true, false);
    assertThat(consents.current(new Subject("acme", "bob"))).isEmpty();
    assertThat(consents.statistics("acme").get(Purpose.LLM_PROCESSING)).isEqualTo(new ConsentStore.ConsentCounts(0, 1));
  }

  @Test
  void cachedConsentAndSettingsFollowThisProcesssWritesAndErasuresAtOnce() {
    Subject bob = new Subject("acme", "bob");
    consents.grant(ALICE, Purpose.LLM_PROCESSING, "web-form", "n1");
    consents.grant(bob, Purpose.LLM_PROCESSING, "web-form", "n1");
    settings.put(ALICE, new PrivacySettings(PrivacySettings.Logging.METADATA, PrivacySettings.Mode.PSEUDONYMIZE));
    // warm the caches
    assertThat(consents.current(ALICE, Purpose.LLM_PROCESSING).orElseThrow().granted()).isTrue();
    assertThat(consents.current(bob, Purpose.LLM_PROCESSING).orElseThrow().granted()).isTrue();
    assertThat(settings.get(ALICE)).isPresent();
    assertThat(settings.get(bob)).isEmpty();

    consents.withdraw(ALICE, Purpose.LLM_PROCESSING, "api", "n1");
    assertThat(consents.current(ALICE, Purpose.LLM_PROCESSING).orElseThrow().granted())
        .as("a withdrawal governs the next lookup").isFalse();
    settings.put(bob, new PrivacySettings(PrivacySettings.Logging.NONE, PrivacySettings.Mode.BLOCK));
    assertThat(settings.get(bob)).contains(new PrivacySettings(PrivacySettings.Logging.NONE, PrivacySettings.Mode.BLOCK));
    assertThat(settings.delete(ALICE)).isTrue();
    assertThat(settings.get(ALICE)).isEmpty();

    // an erasure in this process (its own store objects, sharing the subject keys) drops what was cached
    assertThat(consents.current(bob, Purpose.LLM_PROCESSING)).isPresent();
    new SubjectEraser(db, keys, KeyManager.openOrCreate(keyDir)).erase(bob);
    assertThat(consents.current(bob, Purpose.LLM_PROCESSING)).as("erased: no consent left").isEmpty();
    assertThat(settings.get(bob)).isEmpty();
  }

  @Test
  void anotherInstancesWriteIsSeenWithoutACache() {
    Database db2 = Database.open(config);
    try {
      SubjectKeys keys2 = new SubjectKeys(db2, KeyManager.openOrCreate(keyDir));
      ConsentStore uncached = new ConsentStore(db2, keys2);
      ConsentStore other = new ConsentStore(db, keys, Duration.ofMinutes(10));
      other.grant(ALICE, Purpose.LLM_PROCESSING, "web-form", "n1");
      assertThat(uncached.current(ALICE, Purpose.LLM_PROCESSING).orElseThrow().granted()).isTrue();
      other.withdraw(ALICE, Purpose.LLM_PROCESSING, "api", "n1");
      assertThat(uncached.current(ALICE, Purpose.LLM_PROCESSING).orElseThrow().granted()).isFalse();
    } finally {
      db2.close();
    }
  }

  @Test
  void olderDecisionEntersHistoryButDoesNotOverride() {
    consents.grant(ALICE, Purpose.LOGGING, "api", "n1");
    consents.record(ALICE, Purpose.LOGGING, false, clock.instant().minus(Duration.ofDays(1)), "import", "n0");
    assertThat(consents.current(ALICE, Purpose.LOGGING).orElseThrow().granted()).isTrue();
    assertThat(consents.history(ALICE)).hasSize(2);
  }

  @Test
  void rejectsBadConsentInput() {
    assertThatThrownBy(() -> consents.grant(ALICE, Purpose.LOGGING, "web form!", "n1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("source");
    assertThatThrownBy(() -> consents.record(ALICE, Purpose.LOGGING, true, clock.instant().plus(Duration.ofDays(1)),
        "api", "n1")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("future");
    assertThatThrownBy(() -> Purpose.fromWire("marketing")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void concurrentChangesFromTwoInstancesStayConsistent() throws Exception {
    Database db2 = Database.open(config);
    try {
      ConsentStore other = new ConsentStore(db2, new SubjectKeys(db2, KeyManager.openOrCreate(keyDir)));
      List<ConsentStore> stores = List.of(consents, other);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        ConsentStore s = stores.get(t % 2);
        boolean grant = t % 3 == 0;
        fs.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 10; i++) {
            s.record(ALICE, Purpose.ANALYTICS, grant ^ (i % 2 == 0), clock.instant(), "api", "n1");
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : fs) {
        f.get();
      }
      pool.shutdown();
      List<ConsentDecision> history = consents.history(ALICE);
      assertThat(history).hasSize(80);
      ConsentDecision last = history.get(history.size() - 1);
      ConsentDecision current = consents.current(ALICE, Purpose.ANALYTICS).orElseThrow();
      assertThat(current.id()).isEqualTo(last.id());
      assertThat(current.granted()).isEqualTo(last.granted());
    } finally {
      db2.close();
    }
  }

  @Test
  void settingsRoundTripAndOverwrite() {
    assertThat(settings.get(ALICE)).isEmpty();
    settings.put(ALICE, new PrivacySettings(PrivacySettings.Logging.NONE, PrivacySettings.Mode.BLOCK));
    settings.put(ALICE, new PrivacySettings(PrivacySettings.Logging.REDACTED, PrivacySettings.Mode.ANONYMIZE));
    assertThat(settings.get(ALICE)).contains(
        new PrivacySettings(PrivacySettings.Logging.REDACTED, PrivacySettings.Mode.ANONYMIZE));
    assertThat(settings.delete(ALICE)).isTrue();
    assertThat(settings.get(ALICE)).isEmpty();
  }

  @Test
  void noRawSubjectIdIsStored() throws Exception {
    consents.grant(ALICE, Purpose.LOGGING, "api", "n1");
    settings.put(ALICE, PrivacySettings.DEFAULT);
    requests.open(ALICE, PrivacyRequest.Kind.ACCESS, RegulationProfile.GDPR);
    try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password())) {
      for (String table : List.of("consent_events", "consent_state", "privacy_settings", "privacy_requests")) {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT * FROM " + table)) {
          while (rs.next()) {
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
              assertThat(String.valueOf(rs.getObject(i))).doesNotContain("alice");
            }
          }
        }
      }
    }
  }

  @Test
  void privacyRequestLifecycleAndDeadlines() {
    PrivacyRequest gdpr = requests.open(ALICE, PrivacyRequest.Kind.ERASURE, RegulationProfile.GDPR);
    PrivacyRequest ccpa = requests.open(ALICE, PrivacyRequest.Kind.ACCESS, RegulationProfile.CCPA);
    assertThat(gdpr.status()).isEqualTo(PrivacyRequest.Status.RECEIVED);
    assertThat(Duration.between(gdpr.receivedAt(), gdpr.dueAt())).isEqualTo(Duration.ofDays(30));
    assertThat(Duration.between(ccpa.receivedAt(), ccpa.dueAt())).isEqualTo(Duration.ofDays(45));
    assertThatThrownBy(() -> requests.complete(gdpr.id())).isInstanceOf(IllegalStateException.class);
    assertThat(requests.markVerified(gdpr.id()).verifiedAt()).isPresent();
    clock.advance(Duration.ofDays(31));
    assertThat(requests.get(gdpr.id()).orElseThrow().overdue()).isTrue();
    assertThat(requests.get(ccpa.id()).orElseThrow().overdue()).isFalse();
    assertThat(requests.overdue("acme", 10)).extracting(PrivacyRequest::id).containsExactly(gdpr.id());
    assertThat(requests.queue("acme", 10)).hasSize(2);
    PrivacyRequest done = requests.complete(gdpr.id());
    assertThat(done.status()).isEqualTo(PrivacyRequest.Status.COMPLETED);
    assertThat(done.overdue()).isFalse();
    PrivacyRequest denied = requests.deny(ccpa.id(), PrivacyRequest.DenialReason.IDENTITY_NOT_VERIFIED);
    assertThat(denied.denialReason()).contains(PrivacyRequest.DenialReason.IDENTITY_NOT_VERIFIED);
    assertThatThrownBy(() -> requests.markVerified(ccpa.id())).isInstanceOf(IllegalStateException.class);
    assertThat(requests.queue("acme", 10)).isEmpty();
    assertThatThrownBy(() -> requests.get("not-a-uuid")).isInstanceOf(IllegalArgumentException.class);
  }
}
