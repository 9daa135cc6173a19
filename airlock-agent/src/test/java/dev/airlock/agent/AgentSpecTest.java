package dev.airlock.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AgentSpecTest {
    @Test
    void parsesScriptAndCmd() {
        assertThat(AgentSpec.parse("script:/tmp/fix.sh")).isEqualTo(new AgentSpec.Script(Path.of("/tmp/fix.sh")));
        assertThat(AgentSpec.parse("cmd:make test")).isEqualTo(new AgentSpec.Cmd("make test"));
        assertThat(AgentSpec.parse("claude")).isEqualTo(new AgentSpec.Claude());
        assertThat(AgentSpec.parse("codex")).isEqualTo(new AgentSpec.Codex());
    }

    @Test
    void llmClisReadTheTaskFromTheFileAndHoldOnlyPlaceholderKeys() {
        var claude = HeadlessCli.claude();
        assertThat(claude.argv().get(2)).startsWith("exec claude -p ").contains("--dangerously-skip-permissions")
                .endsWith("< /workspace/.airlock/task.md");
        assertThat(claude.env()).containsEntry("ANTHROPIC_API_KEY", "airlock-placeholder-anthropic");
        var codex = HeadlessCli.codex();
        assertThat(codex.argv().get(2)).startsWith("exec codex exec --full-auto").endsWith(" - < /workspace/.airlock/task.md");
        assertThat(codex.env()).containsEntry("OPENAI_API_KEY", "airlock-placeholder-openai");
    }

    @Test
    void refusesUnknownOrEmptyAgents() {
        assertThatThrownBy(() -> AgentSpec.parse("claude-code")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("script:FILE, cmd:COMMAND, claude or codex");
        assertThatThrownBy(() -> AgentSpec.parse("script:")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AgentSpec.parse("cmd:  ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AgentSpec.parse("cmd:a\0b")).isInstanceOf(IllegalArgumentException.class);
    }
}
