using System.Runtime.Versioning;
using Syncwarden.Configuration;

namespace Syncwarden.Tests.Configuration;

// Permissions are Unix file modes; syncwarden runs on Linux only.
[UnsupportedOSPlatform("windows")]
public sealed class ConfigLoaderFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("syncwarden-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteConfig(string yaml, UnixFileMode mode)
    {
        var path = Path.Combine(_dir, "syncwarden.yaml");
        File.WriteAllText(path, yaml);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    private const UnixFileMode Mode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Mode644 = Mode600 | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    // A secret-named key is not part of the schema yet, so it is also an unknown key; the
    // permission error is what these tests are about.
    private const string ConfigWithSecret = """
        hosts:
          nas:
            address: nas.example.net
            password: hunter2
        jobs: {}
        """;

    [Fact]
    public void Missing_file_is_one_error_at_line_zero_with_a_hint()
    {
        // Arrange
        var path = Path.Combine(_dir, "nope.yaml");

        // Act
        var result = ConfigLoader.Load(path);

        // Assert
        result.Config.Should().BeNull();
        var error = result.Errors.Should().ContainSingle().Subject;
        error.File.Should().Be(path);
        error.Line.Should().Be(0);
        error.Message.Should().Contain("does not exist");
        error.Hint.Should().Contain("SYNCWARDEN_CONFIG");
        error.ToString().Should().StartWith($"{path}: the configuration file does not exist");
    }

    [Fact]
    public void Valid_file_loads_and_records_its_path()
    {
        // Arrange
        var path = WriteConfig("""
            jobs:
              etc: { syncs: [{ source: /etc, destination: /backup/etc }] }
            """, Mode644);

        // Act
        var result = ConfigLoader.Load(path);

        // Assert
        result.IsValid.Should().BeTrue(string.Join(" | ", result.Errors));
        result.Config!.SourceFile.Should().Be(path);
        result.Config.Jobs.Should().ContainSingle(j => j.Name == "etc");
    }

    [Fact]
    public void Secrets_in_a_file_readable_by_others_are_an_error_with_a_chmod_hint()
    {
        // Arrange
        var path = WriteConfig(ConfigWithSecret, Mode644);

        // Act
        var result = ConfigLoader.Load(path);

        // Assert
        result.Config.Should().BeNull();
        var error = result.Errors.Should().ContainSingle(e => e.Message.Contains("secrets")).Subject;
        error.Line.Should().Be(4);
        error.Column.Should().Be(5);
        error.Key.Should().Be("hosts.nas.password");
        error.Message.Should().Contain("must not be readable by group or others").And.Contain("0644");
        error.Hint.Should().Be($"chmod 600 {path}");
        result.Errors.Should().Contain(e => e.Message.Contains("unknown key 'password'"), "other errors are still reported");
    }

    [Fact]
    public void Secrets_in_a_file_only_the_owner_can_read_are_accepted()
    {
        // Arrange
        var path = WriteConfig(ConfigWithSecret, Mode600);

        // Act
        var result = ConfigLoader.Load(path);

        // Assert
        result.Errors.Should().NotContain(e => e.Message.Contains("secrets"));
    }

    [Fact]
    public void Empty_secret_values_do_not_require_a_private_file()
    {
        // Arrange
        var path = WriteConfig("""
            api-token: ""
            jobs: {}
            """, Mode644);

        // Act
        var result = ConfigLoader.Load(path);

        // Assert
        result.Errors.Should().NotContain(e => e.Message.Contains("secrets"));
    }

    [Fact]
    public void Parse_never_checks_permissions()
    {
        // Arrange / Act
        var result = ConfigLoader.Parse(ConfigWithSecret, Path.Combine(_dir, "not-on-disk.yaml"));

        // Assert
        result.Errors.Should().NotContain(e => e.Message.Contains("secrets"));
    }

    [Fact]
    public void Command_line_option_wins_over_the_default_path()
    {
        // Arrange / Act
        var path = ConfigLoader.ResolvePath("/srv/custom.yaml");

        // Assert
        path.Should().Be("/srv/custom.yaml");
        ConfigLoader.DefaultPath.Should().Be("/etc/syncwarden/syncwarden.yaml");
    }

    [Fact]
    public void Environment_variable_is_used_when_no_option_is_given()
    {
        // Arrange
        var previous = Environment.GetEnvironmentVariable(ConfigLoader.ConfigEnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(ConfigLoader.ConfigEnvironmentVariable, "/srv/from-env.yaml");

            // Act
            var fromEnvironment = ConfigLoader.ResolvePath(null);
            var fromOption = ConfigLoader.ResolvePath("/srv/custom.yaml");
            Environment.SetEnvironmentVariable(ConfigLoader.ConfigEnvironmentVariable, null);
            var fallback = ConfigLoader.ResolvePath(" ");

            // Assert
            fromEnvironment.Should().Be("/srv/from-env.yaml");
            fromOption.Should().Be("/srv/custom.yaml");
            fallback.Should().Be(ConfigLoader.DefaultPath);
        }
        finally
        {
            Environment.SetEnvironmentVariable(ConfigLoader.ConfigEnvironmentVariable, previous);
        }
    }
}
