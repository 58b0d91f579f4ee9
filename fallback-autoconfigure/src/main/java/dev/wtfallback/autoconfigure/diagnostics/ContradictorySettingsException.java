package dev.wtfallback.autoconfigure.diagnostics;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown at start-up when settings contradict each other; explained by
 * {@link ContradictorySettingsFailureAnalyzer}.
 */
public class ContradictorySettingsException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final transient List<Contradiction> contradictions;

	/**
	 * Create an exception.
	 * @param contradictions what contradicts what, at least one
	 */
	public ContradictorySettingsException(List<Contradiction> contradictions) {
		super("Contradictory wt-fallback settings: " + contradictions.stream()
			.map(Contradiction::description)
			.collect(Collectors.joining("; ")));
		this.contradictions = List.copyOf(contradictions);
	}

	/**
	 * Return what contradicts what.
	 * @return the contradictions, never empty
	 */
	public List<Contradiction> getContradictions() {
		return this.contradictions;
	}

	/**
	 * Two or more settings that contradict each other.
	 *
	 * @param description which properties, with their values, and why they do not fit
	 * @param action how to fix it, naming the properties
	 */
	public record Contradiction(String description, String action) {
	}

}
