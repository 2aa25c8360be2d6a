using Syncwarden.Configuration;

namespace Syncwarden.Tests.Configuration;

public sealed class PathSafetyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sw-pathsafety-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("/", "/")]
    [InlineData("//", "/")]
    [InlineData("/./", "/")]
    [InlineData("/.", "/")]
    [InlineData("/..", "/")]
    [InlineData("/srv/../..//", "/")]
    [InlineData("/srv//data/", "/srv/data")]
    [InlineData("/srv/./data/.", "/srv/data")]
    [InlineData("/srv/a/../data", "/srv/data")]
    [InlineData("data/../..", "..")]
    [InlineData("./", ".")]
    [InlineData("photos//2024/", "photos/2024")]
    public void Lexical_collapses_slashes_dots_and_dot_dots(string path, string expected)
    {
        // Act
        var normal = PathSafety.Lexical(path);

        // Assert
        normal.Should().Be(expected);
    }

    [Fact]
    public void Resolve_follows_symlinks_in_the_existing_part_and_appends_the_missing_tail()
    {
        // Arrange
        Directory.CreateDirectory(Path.Combine(_dir, "real", "inner"));
        File.CreateSymbolicLink(Path.Combine(_dir, "absolute"), Path.Combine(_dir, "real"));
        File.CreateSymbolicLink(Path.Combine(_dir, "relative"), "real/inner");

        // Act
        var viaAbsolute = PathSafety.Resolve(_dir + "//absolute/./inner/not-yet/");
        var viaRelative = PathSafety.Resolve(_dir + "/relative/not-yet/deeper");

        // Assert
        viaAbsolute.Should().Be(_dir + "/real/inner/not-yet");
        viaRelative.Should().Be(_dir + "/real/inner/not-yet/deeper");
    }

    [Fact]
    public void Resolve_applies_dot_dot_after_following_a_symlink_as_the_kernel_does()
    {
        // Arrange
        Directory.CreateDirectory(Path.Combine(_dir, "a", "b"));
        File.CreateSymbolicLink(Path.Combine(_dir, "link"), Path.Combine(_dir, "a", "b"));

        // Act
        var parent = PathSafety.Resolve(_dir + "/link/..");

        // Assert
        parent.Should().Be(_dir + "/a", "'..' of a symlinked folder is the parent of its target, not of the link");
        PathSafety.Lexical(_dir + "/link/..").Should().Be(_dir, "text alone cannot know that");
    }

    [Fact]
    public void Resolve_of_a_symlink_loop_ends()
    {
        // Arrange
        File.CreateSymbolicLink(Path.Combine(_dir, "one"), Path.Combine(_dir, "two"));
        File.CreateSymbolicLink(Path.Combine(_dir, "two"), Path.Combine(_dir, "one"));

        // Act
        var resolved = PathSafety.Resolve(_dir + "/one/x");

        // Assert
        resolved.Should().StartWith(_dir + "/").And.EndWith("/x");
    }

    [Theory]
    [InlineData("/srv/data", "/srv/data", true)]
    [InlineData("/srv/data/x", "/srv/data", true)]
    [InlineData("/srv/data2", "/srv/data", false)]
    [InlineData("/srv", "/srv/data", false)]
    [InlineData("/anything", "/", true)]
    public void IsSameOrInside_compares_whole_components(string path, string folder, bool expected)
    {
        // Act
        var inside = PathSafety.IsSameOrInside(path, folder);

        // Assert
        inside.Should().Be(expected);
    }
}
