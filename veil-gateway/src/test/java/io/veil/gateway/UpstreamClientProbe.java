package io.veil.gateway;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * A measurement probe (not a test): CPU per upstream exchange of the JDK {@code HttpClient}, configured and used
 * as {@code UpstreamInterceptor} did before this branch (HTTP/1.1, body as an InputStream, a watchdog task
 * scheduled and cancelled per exchange), against {@link JettyUpstreamTransport}, in alternating phases in one
 * JVM, under the same concurrency, against a mock LLM in <em>another</em> process (so this process's CPU is
 * the client's: request writing, response reading, JSON parse of the answer).
 *
 * <p>Run: {@code java -cp veil-gateway/target/test-classes:<runtime class path> io.veil.gateway.UpstreamClientProbe
 * http://127.0.0.1:PORT/v1 [concurrency=32] [seconds per phase=20] [rounds=3]}
 */
public final class UpstreamClientProbe {
  public static void main(String[] args) throws Exception {
    URI base = URI.create(args[0]);
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    UpstreamConfig config = new UpstreamConfig(base, null, null, UpstreamConfig.AuthHeader.BEARER,
        Duration.ofSeconds(10), Duration.ofSeconds(30));
    String sentence = "Hi, I am <PERSON_1>, reach me at <EMAIL_1> or <PHONE_1>; card <CREDIT_CARD_1>. ";
    String prompt = sentence.repeat(1024 / sentence.length() + 1).substring(0, 1024);
    byte[] body = ("{\"model\":\"gpt-4o-mini\",\"store\":false,\"messages\":[{\"role\":\"user\",\"content\":"
        + Json.write(Json.MAPPER.getNodeFactory().textNode(prompt)) + "}]}").getBytes(StandardCharsets.UTF_8);
    URI uri = URI.create(base + "/chat/completions");
    Exchange jdk = jdk(config, uri, body);
    try (JettyUpstreamTransport jetty = new JettyUpstreamTransport(config)) {
      Exchange viaJetty = () -> {
        UpstreamTransport.Reply r = jetty.send("POST", uri, Map.of("Accept", "application/json"), body);
        try (InputStream in = r.body()) {
          Json.MAPPER.readTree(in.readNBytes(UpstreamInterceptor.MAX_RESPONSE_BYTES + 1));
        }
      };
      phase("warm-up jdk", jdk, concurrency, seconds);
      phase("warm-up jetty", viaJetty, concurrency, seconds);
      double sumJdk = 0;
      double sumJetty = 0;
      for (int round = 1; round <= rounds; round++) {
        sumJdk += phase("round " + round + " jdk", jdk, concurrency, seconds);
        sumJetty += phase("round " + round + " jetty", viaJetty, concurrency, seconds);
      }
      System.out.printf("mean CPU us/exchange: jdk %.1f, jetty %.1f, jetty/jdk %.2f%n", sumJdk / rounds,
          sumJetty / rounds, sumJetty / sumJdk);
    }
  }

  interface Exchange {
    void run() throws Exception;
  }

  /** The pre-branch client: UpstreamInterceptor.newClient + send(ofInputStream) + the IdleWatchdog's timer task. */
  private static Exchange jdk(UpstreamConfig config, URI uri, byte[] body) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(config.connectTimeout())
        .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NEVER).build();
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "probe-watchdog");
      t.setDaemon(true);
      return t;
    });
    timer.setRemoveOnCancelPolicy(true);
    return () -> {
      HttpRequest req = HttpRequest.newBuilder(uri).timeout(config.timeout()).header("Content-Type", "application/json")
          .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
      HttpResponse<InputStream> r = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
      ScheduledFuture<?> watchdog = timer.schedule(() -> { }, config.timeout().toNanos(), TimeUnit.NANOSECONDS);
      try (InputStream in = r.body()) {
        Json.MAPPER.readTree(in.readNBytes(UpstreamInterceptor.MAX_RESPONSE_BYTES + 1));
      } finally {
        watchdog.cancel(false);
      }
    };
  }

  /** Runs {@code exchange} from {@code concurrency} virtual threads for {@code seconds}; returns CPU us per exchange. */
  private static double phase(String name, Exchange exchange, int concurrency, int seconds) throws Exception {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    LongAdder done = new LongAdder();
    LongAdder failed = new LongAdder();
    AtomicBoolean stop = new AtomicBoolean();
    long cpu0 = os.getProcessCpuTime();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < concurrency; i++) {
        pool.submit(() -> {
          while (!stop.get()) {
            try {
              exchange.run();
              done.increment();
            } catch (Exception e) {
              failed.increment();
            }
          }
        });
      }
      Thread.sleep(seconds * 1000L);
      stop.set(true);
    }
    long cpu = os.getProcessCpuTime() - cpu0;
    double us = done.sum() == 0 ? 0 : cpu / 1000.0 / done.sum();
    System.out.printf("%-16s %7d exchanges %5d failed %8.1f /s  %7.1f CPU us/exchange  load %.1f%n", name, done.sum(),
        failed.sum(), done.sum() / (double) seconds, us, os.getSystemLoadAverage());
    return us;
  }
}
