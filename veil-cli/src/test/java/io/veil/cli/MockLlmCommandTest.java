package io.veil.cli;

import static io.veil.cli.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The argument handling of {@code veil mock-llm}; serving is covered by MockLlmTest and the veil-e2e ITs. */
class MockLlmCommandTest {

  @Test
  void helpDescribesTheOptions() {
    CliRun.Result r = cli().run("mock-llm", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("--port", "--record").doesNotContain("--seed");
  }

  @Test
  void aPortOutOfRangeIsAUsageError() {
    CliRun.Result r = cli().run("mock-llm", "--port", "70000");
    assertThat(r.exit()).isEqualTo(VeilCli.EXIT_USAGE);
    assertThat(r.err()).contains("--port must be between 0 and 65535");
  }

  @Test
  void aPortInUseFailsWithAClearMessage() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CliRun.Result r = cli().run("mock-llm", "--port", Integer.toString(taken.getLocalPort()));
      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err()).contains("mock LLM cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }
}
