using Syncwarden.Configuration;

namespace Syncwarden.Tests.Configuration;

public sealed class ResumeConfigTests
{
    private const string Job = """
        jobs:
          j:
            direction: local
            syncs: [ { source: /a, destination: /b } ]
        """;

    [Fact]
    public void Resume_defaults_to_true_and_can_be_turned_off()
    {
        ConfigLoader.Parse(Job, "/etc/s.yaml").Config!.Jobs[0].Resume.Should().BeTrue();
        ConfigLoader.Parse(Job + "\n    resume: false\n", "/etc/s.yaml").Config!.Jobs[0].Resume.Should().BeFalse();
    }

    [Fact]
    public void Resume_that_is_not_a_boolean_is_an_error_naming_the_key()
    {
        var result = ConfigLoader.Parse(Job + "\n    resume: sometimes\n", "/etc/s.yaml");

        result.IsValid.Should().BeFalse();
        result.Errors.Should().ContainSingle(e => e.Key == "jobs.j.resume" && e.Line == 5);
    }
}
