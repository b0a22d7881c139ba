package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The list of variables Veil reads: complete (checked against the sources), suggestions, names only. */
class KnownEnvironmentTest {
  /** {@code VEIL_*} tokens in the scanned files that are not environment variables, and why. */
  private static final Map<String, String> NOT_VARIABLES = Map.of(
      "VEIL_RETIRED", "an entity type name (Transformer)",
      "VEIL_ROOT", "placeholder for a checkout path in the usage lines of veil-bench/load scripts",
      "VEIL_OPTS", "shell variable set inside veil-bench/load/run-load.sh",
      "VEIL_PID", "shell variable set inside veil-bench/load/run-load.sh",
      "VEIL_CORE_CLASSES", "class path placeholder in a scripts/perf usage comment",
      "VEIL_STORE_CLASSES", "class path placeholder in a scripts/perf usage comment");
  /** A whole VEIL_ name; a prefix such as {@code VEIL_DETECTION_CACHE_*} is not one. */
  private static final Pattern NAME = Pattern.compile("(?<![A-Za-z0-9_])VEIL_[A-Z0-9]+(?:_[A-Z0-9]+)*(?![A-Za-z0-9_*])");
  private static final Set<String> TEXT_EXTENSIONS = Set.of("java", "xml", "properties", "yaml", "yml", "html", "js",
      "mjs", "md", "sh", "txt");

  private static Path repoRoot() {
    Path root = Path.of("").toAbsolutePath().getParent();
    assertThat(root.resolve("veil")).as("the ./veil launcher next to the modules").isRegularFile();
    return root;
  }

  /**
   * Everything that can read a VEIL_* variable: every module's main sources and resources, the
   * launcher, the scripts (test sources are left out: they set misspelt names on purpose; so is
   * KnownEnvironment, whose comments quote some).
   */
  private static Map<String, Set<Path>> namesInSources() throws IOException {
    Path root = repoRoot();
    List<Path> files = new java.util.ArrayList<>();
    files.add(root.resolve("veil"));
    try (Stream<Path> modules = Files.list(root)) {
      for (Path m : modules.filter(p -> Files.isDirectory(p.resolve("src/main"))).toList()) {
        files.addAll(textFiles(m.resolve("src/main"), true));
      }
    }
    files.addAll(textFiles(root.resolve("scripts"), false));
    files.addAll(textFiles(root.resolve("veil-bench/load"), false));
    // the list itself: its comments quote misspellings
    files.remove(root.resolve("veil-gateway/src/main/java/io/veil/gateway/KnownEnvironment.java"));
    Map<String, Set<Path>> found = new TreeMap<>();
    for (Path f : files) {
      Matcher m = NAME.matcher(Files.readString(f, StandardCharsets.UTF_8));
      while (m.find()) {
        found.computeIfAbsent(m.group(), k -> new TreeSet<>()).add(root.relativize(f));
      }
    }
    return found;
  }

  private static List<Path> textFiles(Path dir, boolean byExtension) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> !p.toString().contains("/node_modules/") && !p.toString().contains("/target/"))
          .filter(p -> {
            String n = p.getFileName().toString();
            int dot = n.lastIndexOf('.');
            return byExtension ? dot > 0 && TEXT_EXTENSIONS.contains(n.substring(dot + 1))
                : dot < 0 || TEXT_EXTENSIONS.contains(n.substring(dot + 1));
          })
          .toList();
    }
  }

  @Test
  void everyVariableTheCodeNamesIsOnTheList() throws Exception {
    Map<String, Set<Path>> found = namesInSources();
    assertThat(found).as("the scan reached ConfigLoader, logback.xml and the launcher")
        .containsKeys("VEIL_PORT", "VEIL_LOG_LEVEL", "VEIL_JAVA_OPTS", "VEIL_MASTER_KEYSET");
    Map<String, Set<Path>> missing = new TreeMap<>(found);
    missing.keySet().removeIf(n -> KnownEnvironment.isKnown(n) || NOT_VARIABLES.containsKey(n));
    assertThat(missing).as("VEIL_* names in the sources that KnownEnvironment lacks (add them there)").isEmpty();
  }

  /**
   * Every variable of ConfigLoader's key table (a secret's {@code VAR_FILE} included, which no call names as a
   * literal) is on the list.
   */
  @Test
  void everyVariableOfTheLoadersKeyTableIsOnTheList() {
    List<String> variables = ConfigLoader.keys().stream().flatMap(k -> ConfigLoader.variable(k).stream()).toList();
    assertThat(variables).contains("VEIL_UPSTREAM_API_KEY_FILE", "VEIL_DATABASE_PASSWORD_FILE", "VEIL_ADMIN_TOKEN_FILE",
        "VEIL_PORT");
    assertThat(variables).allSatisfy(v -> assertThat(KnownEnvironment.isKnown(v)).as(v).isTrue());
  }

  /** No stale entries: each listed name is read somewhere, and no token excused above is on the list. */
  @Test
  void everyListedVariableIsReadSomewhere() throws Exception {
    Map<String, Set<Path>> found = namesInSources();
    for (KnownEnvironment.Variable v : KnownEnvironment.variables()) {
      assertThat(found).as(v.name() + " appears in the sources").containsKey(v.name());
      assertThat(v.purpose()).isNotBlank();
    }
    assertThat(NOT_VARIABLES.keySet()).noneMatch(KnownEnvironment::isKnown);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(nullValues = "-", value = {
      "VEIL_PROT,                 VEIL_PORT",
      "VEIL_PORTT,                VEIL_PORT",
      "veil_port,                 VEIL_PORT",
      "Veil_Admin_Token,          VEIL_ADMIN_TOKEN",
      "VEIL_UPSTREAM_APIKEY,      VEIL_UPSTREAM_API_KEY",
      "VEIL_UPSTREAM_API_KEYFILE, VEIL_UPSTREAM_API_KEY_FILE",
      "VEIL_DATABASE_PASSWD,      VEIL_DATABASE_PASSWORD",
      "VEIL_LOGLEVEL,             VEIL_LOG_LEVEL",
      "VEIL_TLS_CRT,              VEIL_TLS_CERT",
      "VEIL_PLUGIN,               VEIL_PLUGINS",
      "VEIL_JAVA_OPT,             VEIL_JAVA_OPTS",
      "VEIL_DETECTION_CACHE_MAXENTRIES, VEIL_DETECTION_CACHE_MAX_ENTRIES",
      "VEIL_SIGNING_KEYSETS,      VEIL_SIGNING_KEYSET",
      // too far from every name to be a guess: no suggestion rather than a wrong one
      "VEIL_UPSTREAM_KEY,         -",
      "VEIL_API_KEY,              -",
      "VEIL_FOO,                  -",
      "VEIL_,                     -",
      "VEIL_TLS_CERTIFICATE,      -",
      // a known name suggests nothing
      "VEIL_PORT,                 -",
  })
  void closestKnownName(String name, String expected) {
    assertThat(KnownEnvironment.closest(name)).isEqualTo(Optional.ofNullable(expected));
  }

  @Test
  void unknownListsOnlyVeilNamesThatAreNotKnownSortedWithSuggestions() {
    Map<String, String> env = new HashMap<>();
    env.put("VEIL_PORT", "8080");
    env.put("PATH", "/usr/bin");
    env.put("VEILPORT", "1"); // no VEIL_ prefix: someone else's
    env.put("VEIL_UPSTREAM_APIKEY", "sk-proj-TOPSECRET-abcdef0123456789");
    env.put("veil_port", "8443");
    env.put("VEIL_NOT_A_THING_AT_ALL", "x");
    List<KnownEnvironment.Unknown> unknown = KnownEnvironment.unknown(env);
    assertThat(unknown).containsExactly(
        new KnownEnvironment.Unknown("VEIL_NOT_A_THING_AT_ALL", Optional.empty()),
        new KnownEnvironment.Unknown("VEIL_UPSTREAM_APIKEY", Optional.of("VEIL_UPSTREAM_API_KEY")),
        new KnownEnvironment.Unknown("veil_port", Optional.of("VEIL_PORT")));
    String line = KnownEnvironment.warning(unknown).orElseThrow();
    assertThat(line).isEqualTo("ignoring unknown environment variables (not read by Veil): VEIL_NOT_A_THING_AT_ALL,"
        + " VEIL_UPSTREAM_APIKEY (did you mean VEIL_UPSTREAM_API_KEY?), veil_port (did you mean VEIL_PORT?)");
    assertThat(line).doesNotContain("TOPSECRET").doesNotContain("8443");
    assertThat(KnownEnvironment.warning(KnownEnvironment.unknown(Map.of("VEIL_PORT", "1", "HOME", "/")))).isEmpty();
  }

  /** Names are untrusted: no control characters reach a terminal or log, long ones are cut, many are counted. */
  @Test
  void reportedNamesAreSanitizedAndBounded() {
    List<KnownEnvironment.Unknown> u = KnownEnvironment.unknown(Map.of("VEIL_X\n2026-11-26 INFO forged\u001b[2J", "v",
        "VEIL_" + "A".repeat(500), "v"));
    assertThat(u).extracting(KnownEnvironment.Unknown::name)
        .containsExactly("VEIL_" + "A".repeat(KnownEnvironment.MAX_NAME - 5) + "…", "VEIL_X?2026?11?26?INFO?forged??2J");
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 50; i++) {
      many.put("VEIL_UNKNOWN_" + (100 + i), "v");
    }
    String line = KnownEnvironment.warning(KnownEnvironment.unknown(many)).orElseThrow();
    assertThat(line).endsWith(" and " + (50 - KnownEnvironment.MAX_REPORTED) + " more").contains("VEIL_UNKNOWN_100")
        .doesNotContain("VEIL_UNKNOWN_149");
  }
}
