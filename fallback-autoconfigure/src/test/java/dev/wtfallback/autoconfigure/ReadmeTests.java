package dev.wtfallback.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.wtfallback.metrics.FallbackMeters;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that the README documents every meter and every {@code fallback.*} property.
 */
class ReadmeTests {

	private static final Path README = Path.of("..", "README.md");

	private static final Path METADATA = Path.of("target", "classes", "META-INF",
			"spring-configuration-metadata.json");

	@Test
	void everyMeterHasARowWithItsTypeAndBaseUnit() throws IOException {
		String readme = Files.readString(README);

		for (FallbackMeters meter : FallbackMeters.values()) {
			String type = meter.type().name().toLowerCase(Locale.ROOT);
			assertThat(readme).as(meter.meterName())
				.contains("| `" + meter.meterName() + "` | " + type + " | " + meter.baseUnit() + " |");
		}
	}

	@Test
	void everyPropertyHasARow() throws IOException {
		String readme = Files.readString(README);
		List<String> properties = new ArrayList<>();
		for (JsonNode property : JsonMapper.shared().readTree(METADATA.toFile()).get("properties")) {
			String name = property.get("name").asString();
			if (name.startsWith("fallback.")) {
				properties.add(name);
			}
		}

		assertThat(properties).isNotEmpty()
			.allSatisfy((name) -> assertThat(readme).as(name).contains("| `" + name + "` |"));
	}

}
