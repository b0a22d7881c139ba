package io.veil.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the Node e2e tests ({@code src/test/node}, the official {@code openai} npm package, node's built-in test
 * runner) so that {@code mvn verify} covers them: once against {@code veil mock-llm} directly and once through
 * {@code veil serve}. Installs the locked dependencies with {@code npm ci} when {@code node_modules} is missing.
 * Skipped, with a message, where {@code node} is not installed.
 */
class NodeSdkIT {

  private static final long NODE_TIMEOUT_MINUTES = 10;
  private static final int MIN_NODE = 18;
  private static Path nodeDir;

  @BeforeAll
  static void nodeAndDependencies() throws Exception {
    nodeDir = Path.of(System.getProperty("veil.e2e.nodeDir", "src/test/node")).toAbsolutePath();
    int major = NodeRunner.nodeMajorVersion();
    Assumptions.assumeTrue(major >= MIN_NODE,
        major < 0 ? "node is not installed: the Node SDK e2e tests are skipped (install Node.js 20+ to run them)"
            : "node " + major + " is too old for the Node SDK e2e tests (need " + MIN_NODE + "+): skipped");
    if (!Files.isDirectory(nodeDir.resolve("node_modules").resolve("openai"))) {
      NodeRunner.Result ci = runner().npmCi("npm-ci.log");
      assertThat(ci.exitCode()).as("npm ci in %s failed:%n%s", nodeDir, ci.output()).isZero();
    }
  }

  @Test
  void nodeSdkAgainstTheMock() throws Exception {
    E2eStack.Mock mock = E2eStack.mock();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("VEIL_TARGET", "mock");
    env.put("VEIL_BASE_URL", mock.baseUrl().toString());
    env.put("VEIL_API_KEY", "sk-test-mock-accepts-any-key");
    env.put("MOCK_RECORD_FILE", mock.recordFile().toString());
    NodeRunner.Result r = runNodeTests(env, "node-against-mock.log");
    assertThat(r.exitCode()).as("node --test against the mock:%n%s", r.output()).isZero();
  }

  @Test
  void nodeSdkThroughVeil() throws Exception {
    E2eStack.Mock mock = E2eStack.mock();
    E2eStack.Gateway veil = E2eStack.gateway();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("VEIL_TARGET", "veil");
    env.put("VEIL_BASE_URL", veil.baseUrl().toString());
    env.put("VEIL_API_KEY", veil.apiKey());
    env.put("MOCK_RECORD_FILE", mock.recordFile().toString());
    if (Files.isRegularFile(PiiCases.dataFile())) {
      env.put("VEIL_PII_CASES", writeCases(PiiCases.load(40)).toString());
    } else {
      System.out.println("NodeSdkIT: shared data absent at " + PiiCases.dataFile() + ", PII round-trip skipped");
    }
    NodeRunner.Result r = runNodeTests(env, "node-through-veil.log");
    assertThat(r.exitCode()).as("node --test through veil serve:%n%s", r.output()).isZero();
  }

  private static Path writeCases(List<PiiCases.Case> cases) throws IOException {
    List<Map<String, Object>> json = new ArrayList<>();
    for (PiiCases.Case c : cases) {
      json.add(Map.of("id", c.id(), "text", c.text(), "structuredValues", List.copyOf(c.structuredValues())));
    }
    Path file = E2eStack.workDir().resolve("node-pii-cases.json");
    Files.createDirectories(file.getParent());
    new ObjectMapper().writeValue(file.toFile(), json);
    return file;
  }

  /** Runs the test files one after the other (they share the mock's record file), each with node --test. */
  private static NodeRunner.Result runNodeTests(Map<String, String> env, String logName) throws Exception {
    StringBuilder output = new StringBuilder();
    int exit = 0;
    for (String file : List.of("sdk.test.mjs", "pii.test.mjs")) {
      NodeRunner.Result r = runner().run(List.of("node", "--test", "--test-reporter=spec", file), env, file + "-" + logName);
      output.append("== node --test ").append(file).append('\n').append(r.output());
      exit = exit != 0 ? exit : r.exitCode();
    }
    System.out.println(output);
    return new NodeRunner.Result(exit, output.toString());
  }

  private static NodeRunner runner() {
    return new NodeRunner(nodeDir, NODE_TIMEOUT_MINUTES);
  }
}
