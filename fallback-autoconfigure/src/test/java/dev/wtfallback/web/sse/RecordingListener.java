package dev.wtfallback.web.sse;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@link SseHubListener} that records joins and leaves.
 */
class RecordingListener implements SseHubListener {

	private final List<String> joined = new CopyOnWriteArrayList<>();

	private final List<String> left = new CopyOnWriteArrayList<>();

	@Override
	public void onJoin(SseClient client) {
		this.joined.add(client.id());
	}

	@Override
	public void onLeave(SseClient client, SseCloseReason reason) {
		this.left.add(client.id() + " " + reason);
	}

	List<String> joined() {
		return List.copyOf(this.joined);
	}

	List<String> left() {
		return List.copyOf(this.left);
	}

	List<String> leftWith(SseCloseReason reason) {
		return this.left.stream().filter((entry) -> entry.endsWith(" " + reason)).toList();
	}

	long leaves(String clientId) {
		return this.left.stream().filter((entry) -> entry.startsWith(clientId + " ")).count();
	}

}
