package dev.atelier.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonPrimitive;

import dev.atelier.server.ApiException;

/** Ollama's keep_alive values and its way of writing parameter counts. */
class KeepAliveTest {

	@Test
	void keepAliveTakesSecondsGoDurationsZeroAndNegativeValuesAndRefusesTheRestNamingTheField() throws Exception {
		assertEquals(Duration.ofMinutes(5), KeepAlive.parse(new JsonPrimitive("5m"), "keep_alive"));
		assertEquals(Duration.ofMinutes(90), KeepAlive.parse(new JsonPrimitive("1h30m"), "keep_alive"));
		assertEquals(Duration.ofMillis(300), KeepAlive.parse(new JsonPrimitive("300ms"), "keep_alive"));
		assertEquals(Duration.ofSeconds(30), KeepAlive.parse(new JsonPrimitive(30), "keep_alive"));
		assertEquals(Duration.ofSeconds(45), KeepAlive.parse(new JsonPrimitive("45"), "keep_alive"));
		assertEquals(Duration.ZERO, KeepAlive.parse(new JsonPrimitive(0), "keep_alive"));
		assertEquals(Duration.ZERO, KeepAlive.parse(new JsonPrimitive("0"), "keep_alive"));
		assertNull(KeepAlive.parse(new JsonPrimitive(-1), "keep_alive"));
		assertNull(KeepAlive.parse(new JsonPrimitive("-1m"), "keep_alive"));
		for (String bad : List.of("soon", "5 m", "m", "5mm", "")) {
			ApiException e = assertThrows(ApiException.class, () -> KeepAlive.parse(new JsonPrimitive(bad), "keep_alive"));
			assertEquals(400, e.status());
			assertEquals("keep_alive", e.param());
		}
	}

	@Test
	void parameterCountsAreWrittenAsOllamaWritesThem() {
		assertEquals("8.0B", OllamaApi.parameterSize(8_030_261_248L));
		assertEquals("494.03M", OllamaApi.parameterSize(494_032_768L));
		assertEquals("27.68K", OllamaApi.parameterSize(27_680));
	}
}
