package io.veil.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.veil.core.EntityType;
import io.veil.core.Policy;
import io.veil.core.PolicyException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads the policy named on the command line ({@code --policy FILE}), or the built-in default, and
 * applies {@code veil redact --operator}.
 *
 * <p>Failure: a missing, unreadable or invalid file throws {@link CliException} (exit code 2) naming
 * the file and, for an invalid policy, the field; {@link PolicyException} messages never quote allow-
 * or deny-list terms.
 */
final class Policies {
  private Policies() {}

  static Policy load(Path file) {
    return load(file, null);
  }

  /**
   * Loads the policy; with {@code operator} set, every type is replaced by that operator (the
   * policy's detection settings, thresholds included, stay as they are).
   *
   * <p>The Policy API has no override for operators, so the policy's YAML is rewritten (default
   * operator and every per-type rule) and validated again by {@link Policy#parse}.
   */
  static Policy load(Path file, String operator) {
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new CliException(file + ": no such policy file");
      }
      if (!Files.isReadable(file)) {
        throw new CliException(file + ": cannot read the policy file (permission denied)");
      }
    }
    String where = file == null ? "--operator" : file.toString();
    try {
      if (operator == null) {
        return file == null ? Policy.defaults() : Policy.load(file);
      }
      Policy checked = file == null ? Policy.defaults() : Policy.load(file); // the file's own errors first
      String yaml = file == null ? "version: builtin-default\n" : Files.readString(file, StandardCharsets.UTF_8);
      return Policy.parse(withOperator(yaml, operator, checked));
    } catch (PolicyException e) {
      throw new CliException(where + ": invalid policy: " + firstLine(e.getMessage()));
    } catch (IOException e) {
      throw new CliException(where + ": cannot read the policy file (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static String withOperator(String yaml, String operator, Policy policy) throws IOException {
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
    JsonNode root;
    try {
      root = mapper.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new PolicyException("policy is not valid YAML");
    }
    ObjectNode doc = (ObjectNode) root;
    doc.put("default_operator", operator);
    ObjectNode entities = doc.has("entities") ? (ObjectNode) doc.get("entities") : doc.putObject("entities");
    List<String> names = new ArrayList<>();
    entities.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      JsonNode rule = entities.get(name);
      ObjectNode replaced = entities.objectNode().put("operator", operator);
      if (rule.isObject() && rule.has("threshold")) {
        replaced.set("threshold", rule.get("threshold"));
      }
      entities.set(name, replaced);
    }
    // types with an operator of their own by default (the secrets) get the override too
    for (Map.Entry<EntityType, Policy.OperatorSpec> e : policy.operators().entrySet()) {
      if (!entities.has(e.getKey().name())) {
        entities.putObject(e.getKey().name()).put("operator", operator);
      }
    }
    return mapper.writeValueAsString(doc);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
