package org.alpenstack.admin.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/** The one Jackson mapper of the API: records in, records out, lowerCamelCase as declared. */
public final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            // An unknown value is left out rather than sent as null; the contract marks such fields optional.
            .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);

    private Json() {
    }

    public static String encode(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /** Decodes a body the router has already validated against the contract. */
    public static <T> T decode(Buffer body, Class<T> type) {
        try {
            return MAPPER.readValue(body.getBytes(), type);
        } catch (IOException e) {
            // The contract let it through but the record cannot hold it: a gap in the contract.
            throw ApiProblem.invalid("body", originalMessage(e));
        }
    }

    private static String originalMessage(IOException e) {
        return e.getMessage();
    }
}
