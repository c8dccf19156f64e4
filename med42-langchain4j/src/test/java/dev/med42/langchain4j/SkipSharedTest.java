package dev.med42.langchain4j;

import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * Skips one test of a LangChain4j shared suite, by name, for a stated reason that the test report shows. The shared
 * suites' own switches ({@code supportsTools()} and the like) cover unsupported features; this covers the tests
 * whose main assertion needs what the test models cannot give, such as a correct answer. A name that the suite does
 * not have fails the class, so that a renamed upstream test is noticed.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Repeatable(SkipSharedTest.All.class)
@ExtendWith(SkipSharedTest.Condition.class)
public @interface SkipSharedTest {
    String NEEDS_TRAINED_MODEL = "needs a trained model: the test models have random weights or a mismatched"
            + " tokenizer, so they cannot answer 'Berlin' or follow an instruction; the other assertions of this test"
            + " are repeated in this module's own ITs";

    String COUNTS_DISCLAIMER_AS_TOKEN = "expects at most one partial response per output token, but the safety"
            + " disclaimer comes as one more partial response after the last token, by design; the other assertions"
            + " of this test are repeated in Med42StreamingIT";

    /** The name of the test method. */
    String value();

    String reason();

    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @ExtendWith(SkipSharedTest.Condition.class)
    public @interface All {
        SkipSharedTest[] value();
    }

    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Class<?> testClass = context.getRequiredTestClass();
            List<SkipSharedTest> skips = AnnotationSupport.findRepeatableAnnotations(testClass, SkipSharedTest.class);
            if (context.getTestMethod().isEmpty()) {
                for (SkipSharedTest skip : skips) {
                    List<Method> named = ReflectionSupport.findMethods(
                            testClass, m -> m.getName().equals(skip.value()), HierarchyTraversalMode.BOTTOM_UP);
                    if (named.isEmpty()) {
                        throw new IllegalStateException(testClass.getSimpleName() + " has no test " + skip.value());
                    }
                }
                return ConditionEvaluationResult.enabled("the skipped tests exist");
            }
            String name = context.getRequiredTestMethod().getName();
            return skips.stream()
                    .filter(skip -> skip.value().equals(name))
                    .findFirst()
                    .map(skip -> ConditionEvaluationResult.disabled(skip.reason()))
                    .orElse(ConditionEvaluationResult.enabled("not skipped"));
        }
    }
}
