using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ChatStreams.TestSupport;

/// <summary>
/// A test of an abstract contract class (one suite every implementation of a store runs), run once for every concrete
/// subclass. A [Fact]'s Skip is fixed where the base declares the method, so a subclass cannot skip what it inherits;
/// instead it names why its store may be missing with a <see cref="StoreAvailabilityAttribute"/> on the class, and
/// each inherited test is reported skipped with that reason.
/// </summary>
[XunitTestCaseDiscoverer("ChatStreams.TestSupport.ContractFactDiscoverer", "ChatStreams.TestSupport")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ContractFactAttribute : FactAttribute;

/// <summary>On a contract subclass: why its store cannot be used here, or null.</summary>
[AttributeUsage(AttributeTargets.Class)]
public abstract class StoreAvailabilityAttribute : Attribute
{
    public abstract string? SkipReason { get; }
}

public sealed class ContractFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    protected override IXunitTestCase CreateTestCase(
        ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        new ContractTestCase(
            DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
}

/// <summary>
/// Reads the skip reason from the concrete test class. It is worked out again after a runner de-serializes the test
/// case (xunit re-initializes it from the test method), so nothing extra has to be serialized.
/// </summary>
public sealed class ContractTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer only.")]
    public ContractTestCase()
    {
    }

    public ContractTestCase(
        IMessageSink diagnosticMessageSink, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod testMethod)
        : base(diagnosticMessageSink, display, displayOptions, testMethod)
    {
    }

    protected override string? GetSkipReason(IAttributeInfo factAttribute) =>
        base.GetSkipReason(factAttribute)
        ?? TestMethod.TestClass.Class.GetCustomAttributes(typeof(StoreAvailabilityAttribute))
            .Select(store => store.GetNamedArgument<string?>(nameof(StoreAvailabilityAttribute.SkipReason)))
            .FirstOrDefault(reason => reason is not null);
}
