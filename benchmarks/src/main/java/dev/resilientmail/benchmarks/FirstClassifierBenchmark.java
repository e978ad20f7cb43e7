package dev.resilientmail.benchmarks;

import java.lang.reflect.Field;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The default classifier's first build in a fresh JVM: the rule file read, checked and
 * compiled while the classify classes initialise, as an application's first
 * classification pays it. {@link RuleFileLoadBenchmark} measures a load after the classes
 * are initialised; this one is cold by construction, one measured call per fork, so run
 * it with many forks ({@code -f 10}).
 *
 * @since 0.2.0
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(10)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@State(Scope.Thread)
public class FirstClassifierBenchmark {

	private Field instance;

	/**
	 * Finds the default classifier's field without initialising its class.
	 * @throws ReflectiveOperationException if the classify package changed shape
	 */
	@Setup
	public void findClassifier() throws ReflectiveOperationException {
		Class<?> type = Class.forName("dev.resilientmail.classify.DefaultReplyClassifier", false,
				FirstClassifierBenchmark.class.getClassLoader());
		this.instance = type.getDeclaredField("INSTANCE");
		this.instance.setAccessible(true);
	}

	/**
	 * Initialises the classify classes, which loads and compiles the default rules.
	 * @return the default classifier
	 * @throws IllegalAccessException never, once set up
	 */
	@Benchmark
	public Object firstClassifier() throws IllegalAccessException {
		return this.instance.get(null);
	}

}
