package dev.airlock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Every Airlock process logs as the distribution says: libraries' WARN and above, to stderr, nothing else. */
class StderrLoggingTest {
    @Test
    void logbackIsConfiguredInCodeWithWarningsToStderr() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("org.eclipse.jgit").isDebugEnabled()).isFalse();
        assertThat(context.getLogger("org.eclipse.jgit").isInfoEnabled()).isFalse();
        ConsoleAppender<ILoggingEvent> err = (ConsoleAppender<ILoggingEvent>) root.getAppender("ERR");
        assertThat(err).isNotNull();
        assertThat(err.getTarget()).isEqualTo("System.err");
        assertThat(((PatternLayoutEncoder) err.getEncoder()).getPattern()).isEqualTo(StderrLogging.PATTERN);
    }
}
