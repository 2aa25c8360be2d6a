using Syncwarden.Configuration;
using Syncwarden.Ssh;

namespace Syncwarden.Tests.Ssh;

public sealed class HostKeyHintTests
{
    private const string Unknown = "No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\r\nHost key verification failed.\r\n";

    private const string Changed = """
        @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
        @    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @
        @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
        IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!
        Offending ED25519 key in /etc/syncwarden/known_hosts:1
        Host key verification failed.
        """;

    /// <summary>What the explainer says about <paramref name="stderr"/>; it must be a host-key problem.</summary>
    private static string HostKeyMessage(string stderr, HostConfig host)
    {
        var (problem, message) = SshErrorExplainer.Explain(stderr, host);
        problem.Should().Be(SshProblem.HostKey);
        return message!;
    }

    private static HostConfig Host(int port = 2222, string address = "127.0.0.1", string? knownHosts = "/etc/syncwarden/known_hosts") =>
        new() { Name = "nas", Address = address, User = "backup", Port = port, KnownHosts = knownHosts };

    [Fact]
    public void Unknown_host_key_gives_the_exact_keyscan_command_for_the_port_address_and_file()
    {
        HostKeyMessage(Unknown, Host()).Should().Be(
            "host 'nas' (backup@127.0.0.1 port 2222): the server's host key is unknown: /etc/syncwarden/known_hosts has no entry for [127.0.0.1]:2222. "
            + "Compare its fingerprint (ssh-keyscan -p 2222 127.0.0.1 | ssh-keygen -lf -) with the server's, then add it: "
            + "ssh-keyscan -p 2222 127.0.0.1 >> /etc/syncwarden/known_hosts");
    }

    [Fact]
    public void Changed_host_key_gives_the_exact_commands_to_replace_the_entry()
    {
        HostKeyMessage(Changed, Host()).Should().Be(
            "host 'nas' (backup@127.0.0.1 port 2222): the server's host key does not match the entry for [127.0.0.1]:2222 in /etc/syncwarden/known_hosts "
            + "(a reinstalled server, or someone in between). If the change is expected, compare the new fingerprint "
            + "(ssh-keyscan -p 2222 127.0.0.1 | ssh-keygen -lf -) with the server's, then replace the entry: "
            + "ssh-keygen -R '[127.0.0.1]:2222' -f /etc/syncwarden/known_hosts && ssh-keyscan -p 2222 127.0.0.1 >> /etc/syncwarden/known_hosts");
    }

    [Fact]
    public void On_port_22_known_hosts_names_the_plain_address()
    {
        HostKeyMessage(Changed, Host(port: 22, address: "nas1.example.org")).Should().Contain("the entry for nas1.example.org in")
            .And.Contain("ssh-keygen -R nas1.example.org -f /etc/syncwarden/known_hosts && ssh-keyscan -p 22 nas1.example.org >>");
    }

    [Fact]
    public void An_ipv6_address_is_bracketed_only_where_known_hosts_wants_it()
    {
        HostKeyMessage(Changed, Host(address: "fd00::5")).Should().Contain("ssh-keygen -R '[fd00::5]:2222' -f /etc/syncwarden/known_hosts && ssh-keyscan -p 2222 fd00::5 >> /etc/syncwarden/known_hosts");
    }

    [Theory]
    [InlineData("/srv/sync keys/it's known", @"'/srv/sync keys/it'\''s known'")]
    [InlineData("~/.ssh/sync hosts", "~/'.ssh/sync hosts'")] // ssh expands a leading ~/ too, so the shell must see it unquoted
    public void A_known_hosts_path_is_quoted_for_the_shell_where_it_needs_it(string knownHosts, string typed)
    {
        HostKeyMessage(Unknown, Host(knownHosts: knownHosts)).Should().EndWith("then add it: ssh-keyscan -p 2222 127.0.0.1 >> " + typed);
    }

    [Fact]
    public void Without_a_known_hosts_setting_the_hint_names_the_users_own_file()
    {
        // Arrange
        var own = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssh", "known_hosts");

        // Act and assert
        HostKeyMessage(Unknown, Host(knownHosts: null)).Should().Contain($"{own} has no entry for [127.0.0.1]:2222").And.EndWith($">> {own}");
    }
}
