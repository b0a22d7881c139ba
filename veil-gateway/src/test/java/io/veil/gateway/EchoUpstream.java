package io.veil.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * A scripted OpenAI-compatible upstream for gateway tests (the real MockLlm replaces it where it
 * exists): echoes the last user text; with {@code tools}, answers with a tool call whose arguments
 * are {@code {"text": <echo>}}, or, when the first tool's parameters have a property with an {@code enum},
 * {@code {"<property>": <its first enum value>}} (a model choosing from the enum); streams in 3-character pieces so tokens split across events.
 * Records every body it receives.
 */
final class EchoUpstream extends Dispatcher {
  final List<String> bodies = new CopyOnWriteArrayList<>();
  volatile MockResponse override;

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String body = request.getBody() == null ? "" : request.getBody().utf8();
    bodies.add(body);
    if (override != null) {
      return override;
    }
    String path = request.getUrl().encodedPath();
    try {
      if (path.endsWith("/models")) {
        return json("{\"object\":\"list\",\"data\":[{\"id\":\"gpt-4o-mini\",\"object\":\"model\",\"owned_by\":\"openai\"}]}");
      }
      ObjectNode req = (ObjectNode) Json.MAPPER.readTree(body);
      boolean stream = req.path("stream").asBoolean(false);
      if (path.endsWith("/embeddings")) {
        return json("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.1,0.2]}],\"model\":\"m\"}");
      }
      if (path.endsWith("/chat/completions")) {
        String text = lastUser(req.path("messages"));
        boolean tools = req.has("tools");
        if (!stream) {
          ObjectNode msg = Json.MAPPER.createObjectNode().put("role", "assistant");
          if (tools) {
            msg.putNull("content");
            ObjectNode call = msg.putArray("tool_calls").addObject();
            call.put("id", "call_1").put("type", "function");
            call.putObject("function").put("name", "lookup").put("arguments", toolArguments(req, text));
          } else {
            msg.put("content", text);
          }
          ObjectNode root = Json.MAPPER.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion").put("model", "m");
          ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
          choice.set("message", msg);
          choice.put("finish_reason", tools ? "tool_calls" : "stop");
          return json(Json.write(root));
        }
        StringBuilder sse = new StringBuilder();
        if (tools) {
          String args = toolArguments(req, text);
          sse.append(chunk("{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"arguments\":\"\"}}]}", null));
          for (String piece : pieces(args)) {
            ObjectNode d = Json.MAPPER.createObjectNode();
            ObjectNode c = d.putArray("tool_calls").addObject().put("index", 0);
            c.putObject("function").put("arguments", piece);
            sse.append(chunk(Json.write(d), null));
          }
          sse.append(chunk("{}", "tool_calls"));
        } else {
          sse.append(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null));
          for (String piece : pieces(text)) {
            sse.append(chunk(Json.write(Json.MAPPER.createObjectNode().put("content", piece)), null));
          }
          sse.append(chunk("{}", "stop"));
        }
        sse.append("data: [DONE]\n\n");
        return sse(sse.toString());
      }
      if (path.endsWith("/completions")) {
        String text = req.path("prompt").asText();
        return json("{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"choices\":[{\"index\":0,\"text\":"
            + Json.write(Json.MAPPER.getNodeFactory().textNode(text)) + ",\"finish_reason\":\"stop\"}]}");
      }
      if (path.endsWith("/responses")) {
        JsonNode input = req.path("input");
        String text = input.isTextual() ? input.asText() : lastUser(input);
        if (!stream) {
          ObjectNode root = Json.MAPPER.createObjectNode().put("id", "resp_1").put("object", "response").put("status", "completed");
          ObjectNode msg = root.putArray("output").addObject().put("type", "message").put("id", "msg_1").put("role", "assistant");
          msg.putArray("content").addObject().put("type", "output_text").put("text", text);
          return json(Json.write(root));
        }
        StringBuilder sse = new StringBuilder();
        int seq = 0;
        sse.append(event("response.created", "{\"type\":\"response.created\",\"sequence_number\":" + seq++ + ",\"response\":{\"id\":\"resp_1\",\"status\":\"in_progress\",\"output\":[]}}"));
        for (String piece : pieces(text)) {
          ObjectNode d = Json.MAPPER.createObjectNode().put("type", "response.output_text.delta").put("sequence_number", seq++)
              .put("item_id", "msg_1").put("output_index", 0).put("content_index", 0).put("delta", piece);
          sse.append(event("response.output_text.delta", Json.write(d)));
        }
        ObjectNode done = Json.MAPPER.createObjectNode().put("type", "response.output_text.done").put("sequence_number", seq++)
            .put("item_id", "msg_1").put("output_index", 0).put("content_index", 0).put("text", text);
        sse.append(event("response.output_text.done", Json.write(done)));
        ObjectNode completed = Json.MAPPER.createObjectNode().put("type", "response.completed").put("sequence_number", seq);
        ObjectNode resp = completed.putObject("response").put("id", "resp_1").put("status", "completed");
        ObjectNode msg = resp.putArray("output").addObject().put("type", "message").put("id", "msg_1").put("role", "assistant");
        msg.putArray("content").addObject().put("type", "output_text").put("text", text);
        sse.append(event("response.completed", Json.write(completed)));
        return sse(sse.toString());
      }
    } catch (Exception e) {
      return new MockResponse.Builder().code(500).body("{\"error\":{\"message\":\"echo upstream: " + e + "\"}}").build();
    }
    return new MockResponse.Builder().code(404).build();
  }

  /** The arguments of the answer's tool call: the first enum choice of the first tool, else the echo. */
  private static String toolArguments(JsonNode req, String text) {
    for (java.util.Iterator<java.util.Map.Entry<String, JsonNode>> it =
         req.at("/tools/0/function/parameters/properties").fields(); it.hasNext(); ) {
      java.util.Map.Entry<String, JsonNode> p = it.next();
      if (p.getValue().path("enum").isArray() && !p.getValue().path("enum").isEmpty()) {
        return Json.write(Json.MAPPER.createObjectNode().set(p.getKey(), p.getValue().get("enum").get(0)));
      }
    }
    return Json.write(Json.MAPPER.createObjectNode().put("text", text));
  }

  static String lastUser(JsonNode messages) {
    String text = "";
    for (JsonNode m : messages) {
      if (m.path("role").asText().equals("user")) {
        JsonNode c = m.path("content");
        if (c.isTextual()) {
          text = c.asText();
        } else {
          StringBuilder sb = new StringBuilder();
          for (JsonNode p : c) {
            sb.append(p.path("text").asText());
          }
          text = sb.toString();
        }
      }
    }
    return text;
  }

  private static List<String> pieces(String s) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < s.length(); i += 3) {
      out.add(s.substring(i, Math.min(s.length(), i + 3)));
    }
    return out;
  }

  private static String chunk(String delta, String finish) {
    return "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":"
        + delta + ",\"logprobs\":null,\"finish_reason\":" + (finish == null ? "null" : "\"" + finish + "\"") + "}]}\n\n";
  }

  private static String event(String type, String data) {
    return "event: " + type + "\ndata: " + data + "\n\n";
  }

  static MockResponse json(String body) {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json").body(body).build();
  }

  private static MockResponse sse(String body) {
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "text/event-stream").chunkedBody(body, 40).build();
  }

}
