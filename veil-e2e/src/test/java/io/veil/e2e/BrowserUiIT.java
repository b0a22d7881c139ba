package io.veil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the browser tests of the admin console and the Privacy Center ({@code src/test/browser/ui.test.mjs}:
 * Playwright's {@code playwright-core} driving a headless Chromium, axe-core for WCAG 2.1 AA checks) against a real {@code veil serve} in front
 * of {@code veil mock-llm --record}, so that {@code mvn verify} covers them. Screenshots are kept under
 * {@code target/e2e/screenshots/}.
 *
 * <p>The browser is {@code /usr/bin/chromium} (Debian's package; {@code .ci/run} installs it), or the one
 * {@code -Dveil.e2e.chromium=PATH} / {@code VEIL_CHROMIUM} names. Skipped, with a plain message on the console,
 * where there is no browser or no Node.js 20+.
 */
class BrowserUiIT {

  private static final long TIMEOUT_MINUTES = 10;
  private static Path browserDir;
  private static Path chromium;

  @BeforeAll
  static void browserNodeAndDependencies() throws Exception {
    browserDir = Path.of(System.getProperty("veil.e2e.browserDir", "src/test/browser")).toAbsolutePath();
    chromium = chromium();
    if (chromium == null) {
      skip("no Chromium at /usr/bin/chromium (install Debian's 'chromium' package, or set VEIL_CHROMIUM)");
    }
    int node = NodeRunner.nodeMajorVersion();
    if (node < 20) {
      skip(node < 0 ? "node is not installed" : "node " + node + " is too old (need 20+)");
    }
    if (!Files.isDirectory(browserDir.resolve("node_modules").resolve("playwright-core"))
        || !Files.isDirectory(browserDir.resolve("node_modules").resolve("axe-core"))) {
      NodeRunner.Result ci = runner().npmCi("browser-npm-ci.log");
      assertThat(ci.exitCode()).as("npm ci in %s failed:%n%s", browserDir, ci.output()).isZero();
    }
  }

  private static void skip(String why) {
    String message = "BrowserUiIT SKIPPED: " + why + "; the admin console and Privacy Center browser tests did not run";
    System.out.println(message);
    Assumptions.abort(message);
  }

  @Test
  void adminConsoleAndPrivacyCenterInChromium() throws Exception {
    E2eStack.Mock mock = E2eStack.mock();
    E2eStack.Gateway veil = E2eStack.gateway();
    Path shots = E2eStack.workDir().resolve("screenshots");
    Map<String, String> env = new LinkedHashMap<>();
    env.put("VEIL_BASE_URL", veil.baseUrl().toString());
    env.put("VEIL_API_KEY", veil.apiKey());
    env.put("VEIL_ADMIN_TOKEN", Files.readString(veil.dataDir().resolve("admin-token"), StandardCharsets.UTF_8).strip());
    env.put("MOCK_RECORD_FILE", mock.recordFile().toString());
    env.put("CHROMIUM", chromium.toString());
    env.put("SCREENSHOT_DIR", shots.toString());
    env.put("VEIL_SERVE_LOG", E2eStack.workDir().resolve("veil-serve.log").toString());
    NodeRunner.Result r = runner().run(List.of("node", "--test", "--test-reporter=spec", "ui.test.mjs"), env, "browser-ui.log");
    System.out.println(r.output());
    assertThat(r.exitCode()).as("node --test ui.test.mjs (log: %s):%n%s",
        E2eStack.workDir().resolve("browser-ui.log"), r.output()).isZero();
    assertThat(shots.resolve("admin-dashboard.png")).isRegularFile();
    assertThat(shots.resolve("privacy-center.png")).isRegularFile();
  }

  private static Path chromium() {
    String configured = System.getProperty("veil.e2e.chromium", System.getenv("VEIL_CHROMIUM"));
    for (String candidate : new String[] {configured, "/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
      if (candidate != null && !candidate.isBlank() && Files.isExecutable(Path.of(candidate))) {
        return Path.of(candidate);
      }
    }
    return null;
  }

  private static NodeRunner runner() {
    return new NodeRunner(browserDir, TIMEOUT_MINUTES);
  }
}
