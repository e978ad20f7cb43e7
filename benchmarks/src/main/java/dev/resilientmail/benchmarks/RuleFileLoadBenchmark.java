package dev.resilientmail.benchmarks;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.List;
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
 * Loading the default rule file and compiling it into the phrase automaton, as the first
 * classification does once. Reads and compiles the package-private loader reflectively:
 * nothing public would reload the rules.
 *
 * @since 0.2.0
 */
@BenchmarkMode({ Mode.SingleShotTime, Mode.AverageTime })
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@State(Scope.Thread)
public class RuleFileLoadBenchmark {

	private Method load;

	private Constructor<?> compile;

	/**
	 * Finds the loader and the classifier's constructor.
	 * @throws ReflectiveOperationException if the classify package changed shape
	 */
	@Setup
	public void findLoader() throws ReflectiveOperationException {
		this.load = Class.forName("dev.resilientmail.classify.RuleFile").getDeclaredMethod("loadDefault");
		this.load.setAccessible(true);
		this.compile = Class.forName("dev.resilientmail.classify.DefaultReplyClassifier")
			.getDeclaredConstructor(List.class);
		this.compile.setAccessible(true);
	}

	/**
	 * Reads, checks and compiles the rule file.
	 * @return the compiled classifier
	 * @throws ReflectiveOperationException never, once set up
	 */
	@Benchmark
	public Object loadAndCompile() throws ReflectiveOperationException {
		return this.compile.newInstance(this.load.invoke(null));
	}

}
