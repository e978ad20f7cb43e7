package dev.resilientmail.testkit;

import java.util.List;

/** The server's fixed configuration, as the builder left it. */
record Settings(String hostname, List<String> greeting, boolean enhancedStatusCodes, boolean pipelining, long size,
		List<String> extensions, boolean startTls, String certificateHost, boolean requireTls, boolean implicitTls,
		String username, String password, boolean requireAuth, int maxRecipients, boolean lean, int maxLineLength) {

	boolean tls() {
		return this.startTls || this.implicitTls;
	}

	boolean auth() {
		return this.username != null;
	}

}
