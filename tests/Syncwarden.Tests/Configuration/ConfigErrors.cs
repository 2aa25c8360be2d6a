using Syncwarden.Configuration;

namespace Syncwarden.Tests.Configuration;

/// <summary>Shared assertions for configuration error tests.</summary>
internal static class ConfigErrors
{
    public const string File = "/etc/syncwarden/syncwarden.yaml";

    public static IReadOnlyList<ConfigError> Of(string yaml) => ConfigLoader.Parse(yaml, File).Errors;

    public static ConfigError Single(string yaml)
    {
        var result = ConfigLoader.Parse(yaml, File);
        result.Config.Should().BeNull("an invalid file must not produce a config");
        result.IsValid.Should().BeFalse();
        result.Errors.Should().ContainSingle($"expected exactly one error, got: {string.Join(" | ", result.Errors)}");
        result.Errors[0].File.Should().Be(File);
        return result.Errors[0];
    }

    public static void ShouldBeAt(this ConfigError error, int line, int column, string key)
    {
        error.Line.Should().Be(line, error.ToString());
        error.Column.Should().Be(column, error.ToString());
        error.Key.Should().Be(key, error.ToString());
        error.Hint.Should().NotBeNullOrWhiteSpace(error.ToString());
    }
}
