package dev.wtfallback.web.sse;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Adds a recording message handler to {@link SseTestApplication}, which maps the ingress
 * endpoint.
 */
@Configuration(proxyBeanMethods = false)
class SseIngressTestConfiguration {

	@Bean
	RecordingMessageHandler recordingMessageHandler() {
		return new RecordingMessageHandler();
	}

	/**
	 * Records every message as {@code "<clientId> <subtype> <text>"}; the text {@code fail}
	 * makes it throw.
	 */
	static class RecordingMessageHandler implements SseMessageHandler {

		final List<String> received = new CopyOnWriteArrayList<>();

		@Override
		public void onMessage(SseClient client, SseMessage message) throws IOException {
			if (message.text().equals("fail")) {
				throw new IOException("Handler refused the message");
			}
			this.received.add(client.id() + " " + message.contentType().getSubtype() + " " + message.text());
		}

	}

}
