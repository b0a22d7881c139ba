package io.veil.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/configuration.md} true: every key {@link ConfigLoader} accepts (its own table,
 * {@link ConfigLoader#keys()}) and every variable of {@link KnownEnvironment} is documented, and the document names
 * no key or variable that does not exist. Its complete example file loads and gives the embedded defaults.
 */
class ConfigurationReferenceTest {
  /** A key as the reference writes it in a table's first column: {@code | `server.port` |}. */
  private static final Pattern KEY_ROW = Pattern.compile("(?m)^\\| `([A-Za-z<>.]+)` \\|");
  /** Anything in back quotes that looks like a dotted key of a known top-level section. */
  private static final Pattern DOTTED = Pattern.compile("`((?:server|upstream|policies|database|admin|retention|audit"
      + "|detection|protocol)\\.[A-Za-z<>.]*[A-Za-z>])`");
  /** A key's row and its Environment column: the first back-quoted variable, or —. */
  private static final Pattern ROW_VARIABLE = Pattern.compile("(?m)^\\| `([A-Za-z<>.]+)` \\| (?:`(VEIL_[A-Z0-9_]+)`|(—))");
  private static final Pattern VARIABLE = Pattern.compile("VEIL_[A-Z0-9_]*[A-Z0-9]");
  private static final Pattern EXAMPLE = Pattern.compile("(?s)## A complete file.*?```yaml\n(.*?)```");

  private static String reference() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    assertThat(root.resolve("veil")).as("the ./veil launcher next to the modules").isRegularFile();
    return Files.readString(root.resolve("docs/configuration.md"), StandardCharsets.UTF_8);
  }

  private static Set<String> all(Pattern p, String text, int group) {
    Set<String> found = new TreeSet<>();
    Matcher m = p.matcher(text);
    while (m.find()) {
      found.add(m.group(group));
    }
    return found;
  }

  @Test
  void everyKeyTheLoaderAcceptsHasARowAndEveryRowIsAKey() throws IOException {
    Set<String> rows = all(KEY_ROW, reference(), 1);
    assertThat(ConfigLoader.keys()).isNotEmpty().contains("server.tls.certificate", "policies.<name>.maxBodyBytes");
    assertThat(rows).containsExactlyInAnyOrderElementsOf(ConfigLoader.keys());
  }

  /** ops16: a key's Environment column is the variable of the loader's key table (— where it has none). */
  @Test
  void everyRowsVariableIsTheOneTheLoaderReads() throws IOException {
    Matcher m = ROW_VARIABLE.matcher(reference());
    int rows = 0;
    while (m.find()) {
      rows++;
      String key = m.group(1);
      assertThat(java.util.Optional.ofNullable(m.group(2)))
          .as("the Environment column of " + key).isEqualTo(ConfigLoader.variable(key));
    }
    assertThat(rows).isEqualTo(ConfigLoader.keys().size());
  }

  @Test
  void everyDottedKeyNamedInTheTextExists() throws IOException {
    Set<String> keysAndSections = new TreeSet<>(ConfigLoader.keys());
    for (String k : ConfigLoader.keys()) {
      for (int dot = k.indexOf('.'); dot > 0; dot = k.indexOf('.', dot + 1)) {
        keysAndSections.add(k.substring(0, dot));
      }
    }
    keysAndSections.add("policies.<name>.");
    assertThat(all(DOTTED, reference(), 1)).isNotEmpty().allSatisfy(k -> assertThat(keysAndSections)
        .as("a key or section the loader knows").contains(k));
  }

  @Test
  void everyKnownVariableIsDocumentedAndNoOtherIsNamed() throws IOException {
    Set<String> named = all(VARIABLE, reference(), 0);
    Set<String> known = new TreeSet<>();
    KnownEnvironment.variables().forEach(v -> known.add(v.name()));
    assertThat(named).containsAll(known);
    assertThat(named).allSatisfy(n -> assertThat(KnownEnvironment.isKnown(n)).as(n + " is read by Veil").isTrue());
  }

  @Test
  void theCompleteExampleLoadsAndGivesTheDefaults(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
    Matcher m = EXAMPLE.matcher(reference());
    assertThat(m.find()).as("the reference ends with a complete file").isTrue();
    Path file = Files.writeString(dir.resolve("veil.yaml"), m.group(1));
    GatewayConfig example = ConfigLoader.load(file, Map.of());
    GatewayConfig defaults = ConfigLoader.load(null, Map.of());
    assertThat(example.host()).isEqualTo(defaults.host());
    assertThat(example.port()).isEqualTo(defaults.port());
    assertThat(example.dataDir()).isEqualTo(defaults.dataDir());
    assertThat(example.upstream()).isEqualTo(defaults.upstream());
    assertThat(example.tls()).isEqualTo(defaults.tls());
    assertThat(example.server()).isEqualTo(defaults.server());
    assertThat(example.policies()).isEqualTo(defaults.policies());
    assertThat(example.detectionCache()).isEqualTo(defaults.detectionCache());
    assertThat(example.protocolWords()).isEqualTo(defaults.protocolWords());
    // the example writes the profile's retention periods out; the embedded defaults leave them to the profile
    io.veil.store.RetentionPolicy profileDefaults = io.veil.store.RetentionPolicy.defaults(defaults.governance().profile());
    example.governance().retention().forEach((c, d) -> assertThat(d).as(c.name()).isEqualTo(profileDefaults.periodOf(c)));
    GovernanceConfig g = example.governance();
    assertThat(new GovernanceConfig(g.jdbcUrl(), g.dbUser(), g.dbPassword(), g.adminToken(), g.profile(), Map.of(),
        g.checkpointEvery(), g.checkpointInterval(), g.purgeInterval(), g.subjectStateTtl(), g.auditGroupWait(),
        g.clientKeys(), g.sharedRateLimits())).isEqualTo(defaults.governance());
  }
}
