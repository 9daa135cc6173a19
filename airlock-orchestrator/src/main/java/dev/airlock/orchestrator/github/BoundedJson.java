package dev.airlock.orchestrator.github;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A Jackson mapper with tight parse limits, for webhook payloads and GitHub answers. */
final class BoundedJson {
    private BoundedJson() {
    }

    static ObjectMapper mapper() {
        JsonFactory f = JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64).maxStringLength(512 * 1024).maxNumberLength(32).maxNameLength(256).build())
                .build();
        return new ObjectMapper(f);
    }
}
