package dev.wtfallback.autoconfigure.diagnostics;

import java.util.List;
import java.util.stream.Collectors;

import dev.wtfallback.autoconfigure.diagnostics.ContradictorySettingsException.Contradiction;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link ContradictorySettingsException}: each contradiction with the properties
 * and values involved, and what to change.
 */
class ContradictorySettingsFailureAnalyzer extends AbstractFailureAnalyzer<ContradictorySettingsException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ContradictorySettingsException cause) {
		List<Contradiction> contradictions = cause.getContradictions();
		String description = "The wt-fallback settings contradict each other:\n\n"
				+ bullets(contradictions.stream().map(Contradiction::description).toList());
		String action = "Change the settings:\n\n"
				+ bullets(contradictions.stream().map(Contradiction::action).toList());
		return new FailureAnalysis(description, action, cause);
	}

	private static String bullets(List<String> lines) {
		return lines.stream().map((line) -> "    - " + line).collect(Collectors.joining("\n"));
	}

}
