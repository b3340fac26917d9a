namespace AsRnnGrid.Data.Tests;

/// <summary>
/// The real Penn Treebank character validation and test files (ASRNN_GRID_DATA/ptb-char; skipped where they are absent).
/// That folder has no train file, so valid stands in for train.
/// </summary>
public class PtbRealFilesTests
{
    static string PtbValid => Path.Combine(LargeData.PtbChar, PtbCorpus.ValidFile);

    static string PtbTest => Path.Combine(LargeData.PtbChar, PtbCorpus.TestFile);

    static readonly Lazy<PtbCorpus> ValidAsTrain = new(() => PtbCorpus.FromFiles(PtbValid, PtbValid, PtbTest));

    /// <summary>The corpus, loaded once; where the files are absent, each test that asks for it reports itself skipped.</summary>
    static PtbCorpus Corpus
    {
        get
        {
            _ = LargeData.PtbChar; // skips before the cached load
            return ValidAsTrain.Value;
        }
    }

    [SkippableFact]
    public void Vocabulary_Has50SymbolsInOrderOfFirstAppearance()
    {
        // Counted independently (Python str.split per line plus <eos>).
        string[] expected =
        [
            "c", "o", "n", "s", "u", "m", "e", "r", "_", "a", "y", "w", "t", "v", "h", "i", "l", "p", "<eos>", "<",
            "k", ">", "g", "b", "'", "d", "f", "N", "x", "j", ".", "&", "-", "\\", "/", "$", "2", "4", "q", "z",
            "1", "9", "0", "3", "5", "7", "6", "*", "8", "#",
        ];
        Assert.Equal(50, Corpus.VocabularySize);
        Assert.Equal(expected, Corpus.Vocabulary);
    }

    [SkippableFact]
    public void Streams_HaveOneTokenPerSymbolPlusEosPerLine()
    {
        Assert.Equal(393043, Corpus.Train.Length);
        Assert.Equal(393043, Corpus.Valid.Length);
        Assert.Equal(442424, Corpus.Test.Length);
        Assert.Equal(Corpus.Train, Corpus.Valid);
        int eos = Corpus.Vocabulary.ToList().IndexOf(PtbCorpus.EndOfSentence);
        Assert.Equal(3371, Corpus.Valid.Count(id => id == eos));
        Assert.Equal(3762, Corpus.Test.Count(id => id == eos));
    }

    [SkippableFact]
    public void Test_DecodesToTheFileText()
    {
        string decoded = string.Join(" ", Corpus.Test.Take(12).Select(id => Corpus.Vocabulary[id]));
        Assert.Equal("n o _ i t _ w a s _ n '", decoded);
        // The last line of the file is a lone space: it still ends with an <eos>.
        Assert.Equal(["u", "s", "<eos>", "<eos>"], Corpus.Test[^4..].Select(id => Corpus.Vocabulary[id]));
    }

    [SkippableFact]
    public void Ids_AreAssignedByFirstAppearance()
    {
        int next = 0;
        foreach (int id in Corpus.Train)
        {
            Assert.True(id <= next, $"id {id} appeared before id {next}");
            if (id == next) next++;
        }
        Assert.Equal(50, next);
    }

    [SkippableFact]
    public void UnknownToken_NamesFileLineAndToken()
    {
        // test lacks '4' and '*'; the first '4' of valid is on line 35.
        var e = Assert.Throws<DataFileException>(() => PtbCorpus.FromFiles(PtbTest, PtbValid, PtbTest));
        Assert.Equal($"{PtbValid}:35: token '4' does not occur in the training file", e.Message);
        Assert.Equal(PtbValid, e.Path);
        Assert.Equal(35, e.Line);
    }

    [SkippableFact]
    public void Load_ListsTheMissingTrainFile()
    {
        var dir = LargeData.PtbChar;
        var e = Assert.Throws<DataFileException>(() => PtbCorpus.Load(dir));
        Assert.Equal($"{dir}: missing PTB files: ptb.char.train.txt", e.Message);
    }

    [SkippableFact]
    public void Load_ReadsTheStandardNames()
    {
        using var dir = new TempDirectory();
        File.Copy(PtbValid, dir.File(PtbCorpus.TrainFile));
        File.Copy(PtbValid, dir.File(PtbCorpus.ValidFile));
        File.Copy(PtbTest, dir.File(PtbCorpus.TestFile));

        PtbCorpus loaded = PtbCorpus.Load(dir.FullName);
        Assert.Equal(Corpus.Vocabulary, loaded.Vocabulary);
        Assert.Equal(Corpus.Test, loaded.Test);
    }

    [SkippableFact]
    public void Batchify_RealValidStreamWithBatch10()
    {
        int[] grid = TokenBatching.Batchify(Corpus.Valid, 10);
        int n = 393043 / 10;

        Assert.Equal(n * 10, grid.Length);
        for (int j = 0; j < 10; j++)
            for (int t = 0; t < n; t += 997)
                Assert.Equal(Corpus.Valid[j * n + t], grid[t * 10 + j]);
        Assert.Equal(Corpus.Valid[10 * n - 1], grid[^1]);
    }
}
