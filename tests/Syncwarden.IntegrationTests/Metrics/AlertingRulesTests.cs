using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Metrics;

/// <summary>The shipped alerting rules (deploy/prometheus) are valid for Prometheus' own checker and fire where they should.</summary>
public sealed class AlertingRulesTests
{
    [Fact]
    public async Task Example_alerting_rules_pass_promtool_check_and_their_unit_tests()
    {
        // Arrange
        var rules = RepoPaths.Combine("deploy", "prometheus", "syncwarden.rules.yml");

        // Act
        var check = await Promtool.CheckRulesAsync(rules);
        var unitTests = await Promtool.TestRulesAsync(RepoPaths.Combine("deploy", "prometheus", "syncwarden.rules.test.yml"));

        // Assert
        check.ExitCode.Should().Be(0, check.ToString());
        check.StandardOutput.Should().Contain("SUCCESS: 4 rules found");
        unitTests.ExitCode.Should().Be(0, unitTests.ToString());
    }
}
