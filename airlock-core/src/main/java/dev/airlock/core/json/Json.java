package dev.airlock.core.json;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The project's JSON settings in one place: ISO-8601 times, unknown properties rejected (a typo in an operator's
 * file must not silently disable a rule), and tight parser limits because much of what Airlock parses is
 * attacker-written.
 */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64)
                .maxStringLength(16 * 1024 * 1024)
                .maxNumberLength(64)
                .build());
    }

    private Json() {
    }

    /** The shared, thread-safe mapper. Do not reconfigure it; copy it if you need different settings. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
