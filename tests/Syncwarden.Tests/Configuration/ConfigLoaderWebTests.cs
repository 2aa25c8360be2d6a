using System.Net;
using Syncwarden.Configuration;

namespace Syncwarden.Tests.Configuration;

public sealed class ConfigLoaderWebTests
{
    [Fact]
    public void Web_section_binds_listen_and_token_file()
    {
        var result = ConfigLoader.Parse("web: { listen: \"[::1]:8080\", token-file: /etc/syncwarden/web.token }\n", ConfigErrors.File);

        result.Errors.Should().BeEmpty();
        result.Config!.Web.Should().Be(new WebSettings { Listen = new IPEndPoint(IPAddress.IPv6Loopback, 8080), TokenFile = "/etc/syncwarden/web.token" });
    }

    [Fact]
    public void Empty_web_section_listens_on_loopback_9090_and_no_section_listens_nowhere()
    {
        ConfigLoader.Parse("web: {}\n", ConfigErrors.File).Config!.Web!.Listen.Should().Be(new IPEndPoint(IPAddress.Loopback, 9090));
        ConfigLoader.Parse("jobs: {}\n", ConfigErrors.File).Config!.Web.Should().BeNull();
    }

    [Fact]
    public void Localhost_means_the_ipv4_loopback()
    {
        ConfigLoader.Parse("web: { listen: \"localhost:9191\" }\n", ConfigErrors.File).Config!.Web!.Listen
            .Should().Be(new IPEndPoint(IPAddress.Loopback, 9191));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:99999")]
    [InlineData("dashboard.example:80")]
    public void A_listen_value_without_a_valid_address_and_port_is_an_error_with_an_example(string listen)
    {
        var result = ConfigLoader.Parse($"web: {{ listen: \"{listen}\" }}\n", ConfigErrors.File);

        var error = result.Errors.Should().ContainSingle().Subject;
        error.Key.Should().Be("web.listen");
        error.Line.Should().Be(1);
        error.Hint.Should().Contain("127.0.0.1:9090");
    }

    [Fact]
    public void Listening_beyond_loopback_without_a_token_is_refused()
    {
        var result = ConfigLoader.Parse("web:\n  listen: 0.0.0.0:9090\n", ConfigErrors.File);

        var error = result.Errors.Should().ContainSingle().Subject;
        error.Line.Should().Be(2);
        error.Message.Should().Contain("not a loopback address");
        error.Hint.Should().Contain("token-file");
    }

    [Fact]
    public void Listening_beyond_loopback_with_a_token_file_is_allowed()
    {
        var result = ConfigLoader.Parse("web: { listen: 0.0.0.0:9090, token-file: /etc/syncwarden/web.token }\n", ConfigErrors.File);

        result.Errors.Should().BeEmpty();
        result.Config!.Web!.IsLoopback.Should().BeFalse();
    }

    [Fact]
    public void A_token_file_path_is_not_mistaken_for_an_inline_secret()
    {
        var path = Path.Combine(Path.GetTempPath(), $"web-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "web: { token-file: /etc/syncwarden/web.token }\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        try
        {
            ConfigLoader.Load(path).Errors.Should().BeEmpty("a 0644 file that names where the token is kept holds no secret");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
