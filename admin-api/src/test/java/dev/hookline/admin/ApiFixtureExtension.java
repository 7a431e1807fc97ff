package dev.hookline.admin;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Constructor;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Gives a test class's constructor a started {@link ApiFixture}, and closes it when the test
 * instance is done with: with the default lifecycle a fresh API for each test, with
 * {@code @TestInstance(PER_CLASS)} one API for all the class's tests. The API runs on the in-memory
 * store, or on PostgreSQL for a class annotated {@link OnPostgres}.
 *
 * <pre>{@code
 * @ExtendWith(ApiFixtureExtension.class)
 * class SomeTest {
 *   private final ApiFixture fixture;
 *
 *   SomeTest(ApiFixture fixture) {
 *     this.fixture = fixture;
 *   }
 * }
 * }</pre>
 */
final class ApiFixtureExtension implements ParameterResolver {
  /** The API of this test class runs on a fresh PostgreSQL database instead of in memory. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  @interface OnPostgres {}

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(ApiFixtureExtension.class);

  /**
   * A constructor's parameters are resolved in the test method's context when the instance is made
   * for one test (so the fixture closes after it), in the class's context otherwise.
   */
  @Override
  public ExtensionContextScope getTestInstantiationExtensionContextScope(
      ExtensionContext rootContext) {
    return ExtensionContextScope.TEST_METHOD;
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == ApiFixture.class
        && parameter.getDeclaringExecutable() instanceof Constructor<?>;
  }

  @Override
  public ApiFixture resolveParameter(ParameterContext parameter, ExtensionContext context) {
    boolean onPostgres =
        AnnotationSupport.isAnnotated(context.getRequiredTestClass(), OnPostgres.class);
    ApiFixture fixture =
        new ApiFixture(onPostgres ? new StoreBackend.Postgres() : new StoreBackend.InMemory());
    // closed with the context: after the test, or after the class's last test
    context.getStore(NAMESPACE).put(fixture, fixture);
    return fixture;
  }
}
