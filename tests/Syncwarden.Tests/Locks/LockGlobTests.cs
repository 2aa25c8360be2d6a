using Syncwarden.Locks;

namespace Syncwarden.Tests.Locks;

public sealed class LockGlobTests
{
    [Theory]
    [InlineData("/var/lock/veeam/*.lock", "/var/lock/veeam/job1.lock", true)]
    [InlineData("/var/lock/veeam/*.lock", "/var/lock/veeam/sub/job1.lock", false)]
    [InlineData("/var/lock/veeam/*.lock", "/var/lock/veeam/job1.lockx", false)]
    [InlineData("/var/lock/*/x.lock", "/var/lock/veeam/x.lock", true)]
    [InlineData("/var/lock/job?.lock", "/var/lock/job7.lock", true)]
    [InlineData("/var/lock/job[0-9].lock", "/var/lock/jobx.lock", false)]
    [InlineData("/var/lock/job[!0-9].lock", "/var/lock/jobx.lock", true)]
    [InlineData("/var/lock/a.lock", "/var/lock/a.lock", true)]
    [InlineData("/var/lock/a+b(1).lock", "/var/lock/a+b(1).lock", true)]
    public void Matches_like_sh_one_component_at_a_time(string pattern, string path, bool expected) =>
        LockGlob.Matches(pattern, path).Should().Be(expected);

    [Fact]
    public void Expand_lists_existing_matches_only()
    {
        // Arrange
        var dir = Directory.CreateTempSubdirectory("sw-glob-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "veeam"));
            File.WriteAllText(Path.Combine(dir, "veeam", "b.lock"), "");
            File.WriteAllText(Path.Combine(dir, "veeam", "a.lock"), "");
            File.WriteAllText(Path.Combine(dir, "veeam", "a.txt"), "");

            // Act
            var found = LockGlob.Expand(Path.Combine(dir, "*", "*.lock"));

            // Assert
            found.Should().Equal(Path.Combine(dir, "veeam", "a.lock"), Path.Combine(dir, "veeam", "b.lock"));
            LockGlob.Expand(Path.Combine(dir, "veeam", "missing.lock")).Should().BeEmpty();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
