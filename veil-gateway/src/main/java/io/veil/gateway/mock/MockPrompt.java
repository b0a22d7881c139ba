package io.veil.gateway.mock;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the mock LLM reads from a request: the text it echoes and, when the tool rule applies, the name of the
 * function it calls.
 *
 * <p>The tool rule (documented in {@link MockLlm}): a tool call is answered when the request declares at least
 * one function tool, {@code tool_choice} is not {@code "none"}, and the last message (item) of the request is a
 * user message. The function called is the one {@code tool_choice} names, else the first function tool.
 *
 * @param text the text of the last user message (or the input), verbatim; empty if there is none
 * @param toolName the function to call, or {@code null} to answer with text
 *
 * <p><b>Security:</b> called directly, the mock sees raw prompts; {@link #toString()} prints the text's length only.
 */
record MockPrompt(String text, String toolName) {

  @Override
  public String toString() {
    return "MockPrompt[text=" + (text == null ? 0 : text.length()) + " chars, toolName=" + toolName + "]";
  }

  /** Reads a chat completions request ({@code messages}, {@code tools}, {@code tool_choice}). */
  static MockPrompt ofChat(JsonNode request) {
    JsonNode messages = request.path("messages");
    String text = "";
    boolean lastIsUser = false;
    for (JsonNode message : messages) {
      boolean user = "user".equals(message.path("role").asText());
      if (user) {
        text = contentText(message.path("content"), "text");
      }
      lastIsUser = user;
    }
    String tool = null;
    if (lastIsUser && toolsAllowed(request)) {
      tool = namedTool(request.path("tool_choice"));
      if (tool == null) {
        for (JsonNode t : request.path("tools")) {
          JsonNode name = t.path("function").path("name");
          if (name.isTextual()) {
            tool = name.asText();
            break;
          }
        }
      }
    }
    return new MockPrompt(text, tool);
  }

  /** Reads a Responses API request ({@code input} as a string or a list of items, {@code tools}). */
  static MockPrompt ofResponses(JsonNode request) {
    JsonNode input = request.path("input");
    String text = "";
    boolean lastIsUser = false;
    if (input.isTextual()) {
      text = input.asText();
      lastIsUser = true;
    } else {
      for (JsonNode item : input) {
        String type = item.path("type").asText("message");
        boolean user = "message".equals(type) && "user".equals(item.path("role").asText());
        if (user) {
          text = contentText(item.path("content"), "input_text");
        }
        lastIsUser = user;
      }
    }
    String tool = null;
    if (lastIsUser && toolsAllowed(request)) {
      JsonNode choice = request.path("tool_choice");
      if (choice.isObject() && choice.path("name").isTextual()) {
        tool = choice.path("name").asText();
      } else {
        for (JsonNode t : request.path("tools")) {
          if ("function".equals(t.path("type").asText()) && t.path("name").isTextual()) {
            tool = t.path("name").asText();
            break;
          }
        }
      }
    }
    return new MockPrompt(text, tool);
  }

  private static boolean toolsAllowed(JsonNode request) {
    JsonNode tools = request.path("tools");
    return tools.isArray() && !tools.isEmpty() && !"none".equals(request.path("tool_choice").asText());
  }

  private static String namedTool(JsonNode toolChoice) {
    JsonNode name = toolChoice.path("function").path("name");
    return name.isTextual() ? name.asText() : null;
  }

  /** A message's content: a string, or the concatenated text of its parts of type {@code partType}. */
  private static String contentText(JsonNode content, String partType) {
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder sb = new StringBuilder();
    for (JsonNode part : content) {
      String type = part.path("type").asText();
      if ((partType.equals(type) || "text".equals(type)) && part.path("text").isTextual()) {
        sb.append(part.path("text").asText());
      }
    }
    return sb.toString();
  }
}
