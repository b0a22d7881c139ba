package io.veil.core;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.veil.core.recognizers.BuiltInRecognizers;
import io.veil.core.recognizers.CustomPatternRecognizer;
import io.veil.core.transform.Operator;
import io.veil.core.transform.Operators;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What to detect and what to do with it: the operator and score threshold per entity type,
 * allow- and deny-lists, custom patterns. Loaded from YAML ({@code docs/policy-example.yaml}):
 *
 * <pre>{@code
 * version: "2026-11-01"          # required in files; free text, recorded with each request
 * default_operator: placeholder  # for types without their own rule
 * default_threshold: 0.5         # in [0, 1]
 * enabled_types: [PERSON, EMAIL] # optional; absent = every type
 * entities:
 *   PERSON: surrogate                               # short form: just the operator
 *   CREDIT_CARD: {operator: mask, keep_last: 4, threshold: 0.6}
 * allow_list: ["Acme Support"]  # never reported (whole finding, case-insensitive)
 * deny_list: {ORGANIZATION: ["Project Falcon"]}     # always reported as that type
 * custom_patterns:
 *   - {name: employee_id, type: EMPLOYEE_ID, regex: "EMP-[0-9]{6}", score: 0.9, context: [employee]}
 * ner: model                    # names/places/organizations engine: model (default), model-union,
 *                               # gazetteer, none, or an installed provider (see NerEngines)
 * ner_options: {model: /opt/veil/ner/model.onnx}   # settings for an installed provider (strings)
 * }</pre>
 *
 * <p>Defaults: every type is replaced by a {@code placeholder}, except the secrets {@code API_KEY} and
 * {@code PASSWORD}, which are {@code redact}ed (irreversibly: a model never needs a secret, and a secret
 * never enters the vault) unless a rule under {@code entities} names them. Threshold 0.5.
 *
 * <p>Validation is strict: an unknown key, operator, option or type, a threshold outside [0, 1], an
 * invalid regular expression (RE2 syntax) all throw {@link PolicyException} naming the field.
 *
 * <p>Thread safety: immutable.
 *
 * <p><b>Security:</b> allow- and deny-list terms may themselves be personal data; they never appear in
 * exception messages or {@link #toString()}.
 */
public final class Policy {
  /** A policy text larger than this is refused. */
  public static final int MAX_POLICY_CHARS = 1 << 20;

  private static final Set<String> TOP_KEYS = Set.of("version", "default_operator", "default_threshold",
      "enabled_types", "entities", "allow_list", "deny_list", "custom_patterns", "ner", "ner_options");
  /** At most this many {@code ner_options} entries are accepted. */
  private static final int MAX_NER_OPTIONS = 64;
  private static final Set<String> PATTERN_KEYS = Set.of("name", "type", "regex", "score", "context");
  private static final Map<EntityType, OperatorSpec> SECRET_DEFAULTS = Map.of(
      EntityType.API_KEY, new OperatorSpec("redact", Map.of()),
      EntityType.PASSWORD, new OperatorSpec("redact", Map.of()));
  private static final ObjectMapper YAML = new ObjectMapper(
      YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

  /**
   * An operator and its options, as the policy names them.
   *
   * @param name one of {@link Operators#NAMES}
   * @param options operator options ({@code keep_last}, {@code replacement}, ...), as strings
   */
  public record OperatorSpec(String name, Map<String, String> options) {
    public OperatorSpec {
      Objects.requireNonNull(name, "name");
      options = Map.copyOf(options);
    }
  }

  /**
   * A custom pattern: findings of {@code type} where {@code regex} (RE2 syntax) matches, with
   * {@code score}, raised where a {@code context} word stands near.
   */
  public record CustomPattern(String name, EntityType type, String regex, double score, List<String> context) {
    public CustomPattern {
      context = List.copyOf(context);
    }
  }

  private final String version;
  private final OperatorSpec defaultOperator;
  private final double defaultThreshold;
  private final Map<EntityType, OperatorSpec> operators;
  private final Map<EntityType, Double> thresholds;
  private final Set<EntityType> enabledTypes;
  private final List<String> allowList;
  private final Map<EntityType, List<String>> denyList;
  private final List<CustomPattern> customPatterns;
  private final String ner;
  private final Map<String, String> nerOptions;
  private final Map<EntityType, Operator> operatorCache = new ConcurrentHashMap<>();

  private Policy(String version, OperatorSpec defaultOperator, double defaultThreshold,
      Map<EntityType, OperatorSpec> operators, Map<EntityType, Double> thresholds, Set<EntityType> enabledTypes,
      List<String> allowList, Map<EntityType, List<String>> denyList, List<CustomPattern> customPatterns,
      String ner, Map<String, String> nerOptions) {
    this.version = version;
    this.ner = ner;
    this.nerOptions = Collections.unmodifiableMap(new LinkedHashMap<>(nerOptions));
    this.defaultOperator = defaultOperator;
    this.defaultThreshold = defaultThreshold;
    this.operators = Collections.unmodifiableMap(new LinkedHashMap<>(operators));
    this.thresholds = Collections.unmodifiableMap(new LinkedHashMap<>(thresholds));
    this.enabledTypes = enabledTypes == null ? null : Collections.unmodifiableSet(new LinkedHashSet<>(enabledTypes));
    this.allowList = List.copyOf(allowList);
    this.denyList = Collections.unmodifiableMap(new LinkedHashMap<>(denyList));
    this.customPatterns = List.copyOf(customPatterns);
  }

  /** The safe default policy: every type detected and replaced by a placeholder token; secrets redacted. */
  public static Policy defaults() {
    return new Policy("builtin-default", new OperatorSpec("placeholder", Map.of()), 0.5,
        new LinkedHashMap<>(SECRET_DEFAULTS), Map.of(), null, List.of(), Map.of(), List.of(), NerEngines.DEFAULT, Map.of());
  }

  /** Reads and validates a YAML policy file. */
  public static Policy load(Path file) {
    try {
      if (Files.size(file) > MAX_POLICY_CHARS * 4L) {
        throw new PolicyException("policy file is larger than " + MAX_POLICY_CHARS + " characters");
      }
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new PolicyException("cannot read policy file: " + e.getClass().getSimpleName(), e);
    }
  }

  /** Parses and validates a YAML policy. */
  public static Policy parse(String yaml) {
    Objects.requireNonNull(yaml, "yaml");
    if (yaml.length() > MAX_POLICY_CHARS) {
      throw new PolicyException("policy is larger than " + MAX_POLICY_CHARS + " characters");
    }
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw new PolicyException("policy is not valid YAML" + where
          + (e.getMessage() != null && e.getMessage().startsWith("Duplicate field") ? ": duplicate key" : ""));
    } catch (IOException e) {
      throw new PolicyException("policy is not valid YAML: " + e.getClass().getSimpleName());
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new PolicyException("policy is empty");
    }
    if (!root.isObject()) {
      throw new PolicyException("policy must be a mapping of keys to values");
    }
    checkKeys(root, TOP_KEYS, "");

    JsonNode v = root.get("version");
    if (v == null || !v.isValueNode() || v.asText().isBlank()) {
      throw new PolicyException("policy field 'version' is required (a non-empty string)");
    }
    String version = v.asText();
    if (version.length() > 64) {
      throw new PolicyException("policy field 'version' must be at most 64 characters");
    }

    OperatorSpec defaultOp = root.has("default_operator")
        ? operatorSpec(root.get("default_operator"), "default_operator", false)
        : new OperatorSpec("placeholder", Map.of());
    double defaultThreshold = root.has("default_threshold")
        ? threshold(root.get("default_threshold"), "default_threshold") : 0.5;

    Set<EntityType> enabled = null;
    if (root.has("enabled_types")) {
      enabled = new LinkedHashSet<>();
      int i = 0;
      for (JsonNode t : array(root.get("enabled_types"), "enabled_types")) {
        enabled.add(entityType(t, "enabled_types[" + i++ + "]"));
      }
    }

    Map<EntityType, OperatorSpec> ops = new LinkedHashMap<>(SECRET_DEFAULTS);
    Map<EntityType, Double> thresholds = new LinkedHashMap<>();
    if (root.has("entities")) {
      JsonNode entities = root.get("entities");
      if (!entities.isObject()) {
        throw new PolicyException("policy field 'entities' must be a mapping of entity types to rules");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = entities.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String field = "entities." + e.getKey();
        EntityType type = entityTypeName(e.getKey(), field);
        JsonNode rule = e.getValue();
        if (rule.isTextual()) {
          ops.put(type, operatorSpec(rule, field, false));
        } else if (rule.isObject()) {
          if (rule.has("operator")) {
            ops.put(type, operatorSpec(rule, field, true));
          } else {
            checkKeys(rule, Set.of("threshold"), field + ".");
          }
          if (rule.has("threshold")) {
            thresholds.put(type, threshold(rule.get("threshold"), field + ".threshold"));
          }
        } else {
          throw new PolicyException("policy field '" + field + "' must be an operator name or a mapping");
        }
      }
    }

    List<String> allow = new ArrayList<>();
    if (root.has("allow_list")) {
      int i = 0;
      for (JsonNode t : array(root.get("allow_list"), "allow_list")) {
        allow.add(term(t, "allow_list[" + i++ + "]"));
      }
    }

    Map<EntityType, List<String>> deny = new LinkedHashMap<>();
    if (root.has("deny_list")) {
      JsonNode d = root.get("deny_list");
      if (!d.isObject()) {
        throw new PolicyException("policy field 'deny_list' must be a mapping of entity types to lists of terms");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = d.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String field = "deny_list." + e.getKey();
        EntityType type = entityTypeName(e.getKey(), field);
        List<String> terms = new ArrayList<>();
        int i = 0;
        for (JsonNode t : array(e.getValue(), field)) {
          terms.add(term(t, field + "[" + i++ + "]"));
        }
        deny.put(type, List.copyOf(terms));
      }
    }

    List<CustomPattern> patterns = new ArrayList<>();
    if (root.has("custom_patterns")) {
      int i = 0;
      Set<String> names = new LinkedHashSet<>();
      for (JsonNode p : array(root.get("custom_patterns"), "custom_patterns")) {
        CustomPattern cp = customPattern(p, "custom_patterns[" + i++ + "]");
        if (!names.add(cp.name())) {
          throw new PolicyException("policy field 'custom_patterns' has two patterns named '" + cp.name() + "'");
        }
        patterns.add(cp);
      }
    }
    String ner = NerEngines.DEFAULT;
    if (root.has("ner")) {
      JsonNode n = root.get("ner");
      if (!n.isTextual() || !NerEngines.exists(n.asText())) {
        throw new PolicyException("policy field 'ner' must be one of " + String.join(", ", NerEngines.names())
            + "; " + NerEngines.pluginHint());
      }
      ner = n.asText();
    }
    Map<String, String> nerOptions = new LinkedHashMap<>();
    if (root.has("ner_options")) {
      JsonNode o = root.get("ner_options");
      if (!o.isObject()) {
        throw new PolicyException("policy field 'ner_options' must be a map of names to single values");
      }
      if (o.size() > MAX_NER_OPTIONS) {
        throw new PolicyException("policy field 'ner_options' has more than " + MAX_NER_OPTIONS + " entries");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isValueNode() || e.getValue().isNull()) {
          throw new PolicyException("policy field 'ner_options." + safe(e.getKey()) + "' must be a single value");
        }
        nerOptions.put(e.getKey(), e.getValue().asText());
      }
    }
    return new Policy(version, defaultOp, defaultThreshold, ops, thresholds, enabled, allow, deny, patterns, ner,
        nerOptions);
  }

  private static void checkKeys(JsonNode node, Set<String> allowed, String prefix) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw new PolicyException("policy has an unknown field '" + prefix + safe(k) + "' (allowed here: "
            + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
    }
  }

  private static OperatorSpec operatorSpec(JsonNode node, String field, boolean inRule) {
    String name;
    Map<String, String> options = new LinkedHashMap<>();
    String opField = inRule ? field + ".operator" : field;
    if (node.isTextual()) {
      name = node.asText();
    } else if (node.isObject()) {
      JsonNode op = node.get("operator");
      if (op == null || !op.isTextual()) {
        throw new PolicyException("policy field '" + field + ".operator' is required (an operator name)");
      }
      name = op.asText();
      opField = field + ".operator";
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String k = e.getKey();
        if (k.equals("operator") || (inRule && k.equals("threshold"))) {
          continue;
        }
        if (!e.getValue().isValueNode() || e.getValue().isNull()) {
          throw new PolicyException("policy field '" + field + "." + safe(k) + "' must be a single value");
        }
        options.put(k, e.getValue().asText());
      }
    } else {
      throw new PolicyException("policy field '" + field + "' must be an operator name");
    }
    if (!Operators.NAMES.contains(name)) {
      throw new PolicyException("policy field '" + opField + "': unknown operator '" + safe(name)
          + "' (operators: " + String.join(", ", Operators.NAMES) + ")");
    }
    try {
      Operators.create(name, options);
    } catch (IllegalArgumentException e) {
      throw new PolicyException("policy field '" + field + "': " + e.getMessage());
    }
    return new OperatorSpec(name, options);
  }

  private static double threshold(JsonNode node, String field) {
    if (!node.isNumber()) {
      throw new PolicyException("policy field '" + field + "' must be a number in [0, 1]");
    }
    double d = node.asDouble();
    if (!(d >= 0.0 && d <= 1.0)) {
      throw new PolicyException("policy field '" + field + "' must be in [0, 1], got " + d);
    }
    return d;
  }

  private static Iterable<JsonNode> array(JsonNode node, String field) {
    if (node == null || !node.isArray()) {
      throw new PolicyException("policy field '" + field + "' must be a list");
    }
    return node;
  }

  private static EntityType entityType(JsonNode node, String field) {
    if (!node.isTextual()) {
      throw new PolicyException("policy field '" + field + "' must be an entity type name");
    }
    return entityTypeName(node.asText(), field);
  }

  private static EntityType entityTypeName(String name, String field) {
    try {
      return EntityType.of(name);
    } catch (IllegalArgumentException e) {
      throw new PolicyException("policy field '" + safe(field) + "': entity types are upper-case identifiers like EMPLOYEE_ID");
    }
  }

  private static String term(JsonNode node, String field) {
    if (!node.isValueNode() || node.isNull() || node.asText().isBlank()) {
      throw new PolicyException("policy field '" + field + "' must be a non-empty string");
    }
    if (node.asText().length() > 1000) {
      throw new PolicyException("policy field '" + field + "' is longer than 1000 characters");
    }
    return node.asText();
  }

  private static CustomPattern customPattern(JsonNode p, String field) {
    if (!p.isObject()) {
      throw new PolicyException("policy field '" + field + "' must be a mapping with name, type, regex, score");
    }
    checkKeys(p, PATTERN_KEYS, field + ".");
    for (String required : List.of("name", "type", "regex")) {
      if (!p.hasNonNull(required) || !p.get(required).isTextual() || p.get(required).asText().isBlank()) {
        throw new PolicyException("policy field '" + field + "." + required + "' is required (a non-empty string)");
      }
    }
    String name = p.get("name").asText();
    if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
      throw new PolicyException("policy field '" + field + ".name' must be 1-64 letters, digits, '_', '.', '-'");
    }
    EntityType type = entityType(p.get("type"), field + ".type");
    String regex = p.get("regex").asText();
    try {
      com.google.re2j.Pattern.compile(regex);
    } catch (com.google.re2j.PatternSyntaxException e) {
      throw new PolicyException("policy field '" + field + ".regex' is not a valid RE2 regular expression: "
          + e.getDescription() + " (RE2 supports no backreferences or lookaround)");
    }
    double score = p.has("score") ? threshold(p.get("score"), field + ".score") : 0.8;
    List<String> context = new ArrayList<>();
    if (p.has("context")) {
      int i = 0;
      for (JsonNode c : array(p.get("context"), field + ".context")) {
        context.add(term(c, field + ".context[" + i++ + "]").toLowerCase(Locale.ROOT));
      }
    }
    CustomPattern cp = new CustomPattern(name, type, regex, score, context);
    try {
      recognizer(cp);
    } catch (IllegalArgumentException e) {
      throw new PolicyException("policy field '" + field + ".regex': " + e.getMessage());
    }
    return cp;
  }

  private static Recognizer recognizer(CustomPattern p) {
    return new CustomPatternRecognizer("custom:" + p.name(), p.type(), p.regex(), p.score(), Set.copyOf(p.context()));
  }

  /** Field names from the file are echoed only if they look like identifiers (they could be anything). */
  private static String safe(String s) {
    return s.length() <= 64 && s.matches("[A-Za-z0-9_.\\[\\]-]*") ? s : "<" + s.length() + " characters>";
  }

  /**
   * A new analyzer with the built-in recognizers, this policy's NER engine ({@link #ner()}) and settings.
   *
   * @throws IllegalStateException if the NER engine cannot be loaded (fail closed: no analyzer without it)
   */
  public Analyzer newAnalyzer() {
    return newAnalyzer(NerEngines.byName(ner, nerOptions));
  }

  /**
   * A new analyzer with the built-in recognizers, the given NER engine instead of the policy's (null for
   * none) and this policy's other settings. For comparing engines on the same policy ({@code veil eval --ner}).
   */
  public Analyzer newAnalyzer(NerEngine nerEngine) {
    Analyzer.Builder b = Analyzer.builder()
        .addRecognizers(BuiltInRecognizers.all());
    if (nerEngine != null) {
      b.addRecognizer(nerEngine);
    }
    b.defaultThreshold(defaultThreshold)
        .enabledTypes(enabledTypes);
    thresholds.forEach(b::threshold);
    allowList.forEach(b::allow);
    denyList.forEach((type, terms) -> terms.forEach(t -> b.deny(type, t)));
    for (CustomPattern p : customPatterns) {
      b.addRecognizer(recognizer(p));
    }
    return b.build();
  }

  /** The name of the NER engine this policy uses ({@link NerEngines}); {@value NerEngines#DEFAULT} by default. */
  public String ner() {
    return ner;
  }

  /**
   * The settings passed to an installed NER provider ({@code ner_options}; empty by default).
   *
   * <p><b>Security:</b> values are operator configuration (paths, sizes), not personal data; they are not
   * echoed in errors or {@link #toString()} all the same.
   */
  public Map<String, String> nerOptions() {
    return nerOptions;
  }

  /** The operator for a type (the type's rule, else the default operator). */
  public OperatorSpec operatorSpec(EntityType type) {
    return operators.getOrDefault(type, defaultOperator);
  }

  /** The configured operator instance for a type (shared, thread-safe). */
  public Operator operator(EntityType type) {
    return operatorCache.computeIfAbsent(type, t -> {
      OperatorSpec s = operatorSpec(t);
      return Operators.create(s.name(), s.options());
    });
  }

  /** The score threshold for a type. */
  public double threshold(EntityType type) {
    return thresholds.getOrDefault(type, defaultThreshold);
  }

  public String version() {
    return version;
  }

  public OperatorSpec defaultOperator() {
    return defaultOperator;
  }

  public double defaultThreshold() {
    return defaultThreshold;
  }

  /** The per-type operator rules (secret defaults included). */
  public Map<EntityType, OperatorSpec> operators() {
    return operators;
  }

  /** The per-type thresholds. */
  public Map<EntityType, Double> thresholds() {
    return thresholds;
  }

  /** The enabled types, or null for every type. */
  public Set<EntityType> enabledTypes() {
    return enabledTypes;
  }

  /** <b>Security:</b> may hold personal data; do not log. */
  public List<String> allowList() {
    return allowList;
  }

  /** <b>Security:</b> may hold personal data; do not log. */
  public Map<EntityType, List<String>> denyList() {
    return denyList;
  }

  public List<CustomPattern> customPatterns() {
    return customPatterns;
  }

  @Override
  public String toString() {
    return "Policy[version=" + version + ", default=" + defaultOperator.name() + ", rules=" + operators.size()
        + ", allow=" + allowList.size() + ", deny=" + denyList.values().stream().mapToInt(List::size).sum()
        + ", patterns=" + customPatterns.size() + ", ner=" + ner + "]";
  }
}
