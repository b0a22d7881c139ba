package io.veil.cli;

import io.veil.core.Analyzer;
import io.veil.core.EntityType;
import io.veil.core.Finding;
import io.veil.core.Recognizer;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Runs the real {@code veil} command line in-process with captured standard streams. */
final class CliRun {
  record Result(int exit, String out, String err) {
    List<String> errLines() {
      return err.isEmpty() ? List.of() : List.of(err.split("\\R"));
    }
  }

  private byte[] stdin = new byte[0];
  private Analyzer analyzer;
  private RedactCommand.Transform transform;

  /** Creates the embedded store in {@code dataDir} as {@code veil serve}'s first start does (the CLI never creates it). */
  static java.nio.file.Path withStore(java.nio.file.Path dataDir) {
    io.veil.gateway.GatewayConfig cfg = io.veil.gateway.ConfigLoader.load(null, java.util.Map.of()).withDataDir(dataDir);
    io.veil.gateway.Governance.open(cfg.governance(), dataDir, java.util.Map.of()).close();
    return dataDir;
  }

  static CliRun cli() {
    return new CliRun();
  }

  CliRun stdin(byte[] bytes) {
    this.stdin = bytes;
    return this;
  }

  CliRun stdin(String text) {
    return stdin(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Analyze (and redact) with {@link #EMAILS} instead of the default policy's analyzer. */
  CliRun withTestAnalyzer() {
    this.analyzer = EMAILS;
    this.transform = (scope, text, lang) -> placeholders(text);
    return this;
  }

  Result run(String... args) {
    CommandLine cl = VeilCli.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    AnalyzeCommand analyze = cl.getSubcommands().get("analyze").getCommand();
    RedactCommand redact = cl.getSubcommands().get("redact").getCommand();
    analyze.stdin = new ByteArrayInputStream(stdin);
    redact.stdin = new ByteArrayInputStream(stdin);
    EvalCommand eval = cl.getSubcommands().get("eval").getCommand();
    eval.stdin = new ByteArrayInputStream(stdin);
    analyze.analyzerOverride = analyzer;
    redact.transformOverride = transform;
    int exit = cl.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  /** A plain e-mail recognizer, for testing the command's plumbing independently of veil-core's. */
  static final Recognizer EMAIL_RECOGNIZER = new Recognizer() {
    private final Pattern email = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+");

    @Override
    public String name() {
      return "test-email";
    }

    @Override
    public Set<EntityType> entityTypes() {
      return Set.of(EntityType.EMAIL);
    }

    @Override
    public List<Finding> analyze(String text, String language) {
      List<Finding> out = new ArrayList<>();
      Matcher m = email.matcher(text);
      while (m.find()) {
        out.add(new Finding(m.start(), m.end(), EntityType.EMAIL, 0.9, name()));
      }
      return out;
    }
  };

  static final Analyzer EMAILS = Analyzer.builder().addRecognizer(EMAIL_RECOGNIZER).build();

  /** Replaces every finding of {@link #EMAILS} by {@code <TYPE>}. */
  static String placeholders(String text) {
    StringBuilder sb = new StringBuilder();
    int at = 0;
    for (Finding f : EMAILS.analyze(text)) {
      sb.append(text, at, f.start()).append('<').append(f.type().name()).append('>');
      at = f.end();
    }
    return sb.append(text.substring(at)).toString();
  }
}
