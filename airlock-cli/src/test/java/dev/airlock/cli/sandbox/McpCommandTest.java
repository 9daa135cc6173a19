package dev.airlock.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.json.Json;
import dev.airlock.sandbox.SandboxPolicy;
import dev.airlock.sandbox.SandboxSession;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class McpCommandTest {
    @TempDir
    Path ws;

    @Test
    void toolsRunInsideTheSandbox() throws Exception {
        Files.createDirectories(ws.resolve(".git"));
        Files.writeString(ws.resolve(".git/config"), "[core]\n");
        String in = String.join("\n",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"bash\",\"arguments\":{\"command\":\"id -u; echo x > /usr/x\"}}}",
                "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"write_file\",\"arguments\":{\"path\":\"notes.txt\",\"content\":\"hi\"}}}",
                "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"write_file\",\"arguments\":{\"path\":\".git/config\",\"content\":\"x\"}}}",
                "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":{\"name\":\"request_capability\",\"arguments\":{\"name\":\"net:*\",\"reason\":\"r\"}}}",
                "not json",
                "") ;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (SandboxSession s = SandboxSession.open(SandboxPolicy.defaults(), ws)) {
            new McpCommand().serve(s, new ByteArrayInputStream(in.getBytes(StandardCharsets.UTF_8)), out);
        }
        List<JsonNode> replies = out.toString(StandardCharsets.UTF_8).lines().map(l -> {
            try {
                return Json.mapper().readTree(l);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertThat(replies).hasSize(7);
        assertThat(replies.get(0).path("result").path("serverInfo").path("name").asText()).isEqualTo("airlock-sandbox");
        assertThat(replies.get(1).path("result").path("tools")).hasSize(6);
        String bash = replies.get(2).path("result").path("content").get(0).path("text").asText();
        assertThat(bash).startsWith("1000\n").contains("Read-only file system").contains("denied: exec");
        assertThat(Files.readString(ws.resolve("notes.txt"))).isEqualTo("hi");
        assertThat(replies.get(4).path("result").path("isError").asBoolean()).isTrue();
        assertThat(replies.get(4).path("result").path("content").get(0).path("text").asText()).contains("protected path");
        assertThat(Files.readString(ws.resolve(".git/config"))).isEqualTo("[core]\n");
        assertThat(replies.get(5).path("result").path("content").get(0).path("text").asText()).startsWith("refused");
        assertThat(replies.get(6).path("error").path("code").asInt()).isEqualTo(-32700);
    }
}
