package dev.resilientmail.transport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.WeakHashMap;

import jakarta.mail.util.StreamProvider;

/**
 * Spares each message Jakarta Mail's {@code StreamProvider} lookup. Jakarta Mail 2.1
 * finds its stream provider with a {@code ServiceLoader} over the thread's context class
 * loader several times per message written (jakartaee/mail-api#861); each lookup opens
 * the service file in its jar again, about a third of the CPU of sending a small message.
 * While a message is sent, the context class loader is a child of the caller's that
 * answers that one service file from memory, naming the provider the caller's loader
 * finds (looked up once); every other class and resource comes from the caller's loader.
 * Session property {@code resilient-mail.stream-provider-hint=false} turns it off.
 */
final class StreamProviderHint {

	static final String ENABLED = "resilient-mail.stream-provider-hint";

	private static final String SERVICE_FILE = "META-INF/services/" + StreamProvider.class.getName();

	/** Per caller's loader; weak both ways, the transports hold what they use. */
	private static final Map<ClassLoader, WeakReference<HintLoader>> LOADERS = new WeakHashMap<>();

	private final boolean enabled;

	private HintLoader current;

	StreamProviderHint(Properties properties) {
		Object value = properties.get(ENABLED);
		this.enabled = value == null || !"false".equalsIgnoreCase(value.toString().trim());
	}

	/**
	 * Makes the hint the current thread's context class loader.
	 * @return the loader to restore with {@link #exit}
	 */
	ClassLoader enter() {
		Thread thread = Thread.currentThread();
		ClassLoader caller = thread.getContextClassLoader();
		if (!this.enabled || caller == null || caller instanceof HintLoader) {
			return caller;
		}
		HintLoader hint = this.current;
		if (hint == null || hint.getParent() != caller) {
			hint = loaderFor(caller);
			this.current = hint;
		}
		if (hint != null) {
			thread.setContextClassLoader(hint);
		}
		return caller;
	}

	void exit(ClassLoader caller) {
		Thread.currentThread().setContextClassLoader(caller);
	}

	private static HintLoader loaderFor(ClassLoader caller) {
		synchronized (LOADERS) {
			WeakReference<HintLoader> cached = LOADERS.get(caller);
			HintLoader hint = (cached != null) ? cached.get() : null;
			if (hint == null) {
				String provider = providerOf(caller);
				if (provider == null) {
					return null;
				}
				hint = new HintLoader(caller, provider);
				LOADERS.put(caller, new WeakReference<>(hint));
			}
			return hint;
		}
	}

	/** The provider class the caller's loader finds, as Jakarta Mail would. */
	private static String providerOf(ClassLoader caller) {
		Thread thread = Thread.currentThread();
		ClassLoader before = thread.getContextClassLoader();
		thread.setContextClassLoader(caller);
		try {
			return StreamProvider.provider().getClass().getName();
		}
		catch (RuntimeException | ServiceConfigurationError | LinkageError ex) {
			// no provider to name: leave the lookups as they are
			return null;
		}
		finally {
			thread.setContextClassLoader(before);
		}
	}

	/**
	 * The caller's loader, except that the stream provider's service file is read from
	 * memory.
	 */
	static final class HintLoader extends ClassLoader {

		static {
			registerAsParallelCapable();
		}

		private final URL serviceFile;

		HintLoader(ClassLoader parent, String provider) {
			super("resilient-mail-stream-provider-hint", parent);
			byte[] content = (provider + "\n").getBytes(StandardCharsets.UTF_8);
			try {
				this.serviceFile = new URL(null, "resilient-mail:" + SERVICE_FILE, new InMemory(content));
			}
			catch (IOException ex) {
				throw new IllegalStateException("cannot make an in-memory URL", ex);
			}
		}

		@Override
		public Enumeration<URL> getResources(String name) throws IOException {
			if (SERVICE_FILE.equals(name)) {
				return Collections.enumeration(List.of(this.serviceFile));
			}
			return super.getResources(name);
		}

	}

	private static final class InMemory extends URLStreamHandler {

		private final byte[] content;

		InMemory(byte[] content) {
			this.content = content;
		}

		@Override
		protected URLConnection openConnection(URL url) {
			return new URLConnection(url) {

				@Override
				public void connect() {
					this.connected = true;
				}

				@Override
				public InputStream getInputStream() {
					return new ByteArrayInputStream(InMemory.this.content);
				}

			};
		}

	}

}
