namespace AsRnnGrid.Data.Tests;

/// <summary>The shared folder has no train file, so valid stands in for train.</summary>
public class PtbCorpusTests
{
    private static readonly Lazy<PtbCorpus> ValidAsTrain =
        new(() => PtbCorpus.FromFiles(TestData.PtbValid, TestData.PtbValid, TestData.PtbTest));

    private static PtbCorpus Corpus => ValidAsTrain.Value;

    [Fact]
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

    [Fact]
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

    [Fact]
    public void Test_DecodesToTheFileText()
    {
        string decoded = string.Join(" ", Corpus.Test.Take(12).Select(id => Corpus.Vocabulary[id]));
        Assert.Equal("n o _ i t _ w a s _ n '", decoded);
        // The last line of the file is a lone space: it still ends with an <eos>.
        Assert.Equal(["u", "s", "<eos>", "<eos>"], Corpus.Test[^4..].Select(id => Corpus.Vocabulary[id]));
    }

    [Fact]
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

    [Fact]
    public void UnknownToken_NamesFileLineAndToken()
    {
        // test lacks '4' and '*'; the first '4' of valid is on line 35.
        var e = Assert.Throws<DataFileException>(() => PtbCorpus.FromFiles(TestData.PtbTest, TestData.PtbValid, TestData.PtbTest));
        Assert.Equal($"{TestData.PtbValid}:35: token '4' does not occur in the training file", e.Message);
        Assert.Equal(TestData.PtbValid, e.Path);
        Assert.Equal(35, e.Line);
    }

    [Fact]
    public void EmptyFile_IsAnError()
    {
        using var dir = new TempDirectory();
        string empty = dir.File("empty.txt");
        File.WriteAllText(empty, "");
        var e = Assert.Throws<DataFileException>(() => PtbCorpus.FromFiles(TestData.PtbValid, empty, TestData.PtbTest));
        Assert.Equal($"{empty}: empty corpus file: no symbols in 0 lines", e.Message);

        File.WriteAllText(empty, "\n  \n");
        e = Assert.Throws<DataFileException>(() => PtbCorpus.FromFiles(empty, TestData.PtbValid, TestData.PtbTest));
        Assert.Equal($"{empty}: empty corpus file: no symbols in 2 lines", e.Message);
    }

    [Fact]
    public void Load_ListsMissingFiles()
    {
        var e = Assert.Throws<DataFileException>(() => PtbCorpus.Load(TestData.PtbDir));
        Assert.Equal($"{TestData.PtbDir}: missing PTB files: ptb.char.train.txt", e.Message);
    }

    [Fact]
    public void Load_ReadsTheStandardNames()
    {
        using var dir = new TempDirectory();
        File.Copy(TestData.PtbValid, dir.File(PtbCorpus.TrainFile));
        File.Copy(TestData.PtbValid, dir.File(PtbCorpus.ValidFile));
        File.Copy(TestData.PtbTest, dir.File(PtbCorpus.TestFile));

        PtbCorpus loaded = PtbCorpus.Load(dir.FullName);
        Assert.Equal(Corpus.Vocabulary, loaded.Vocabulary);
        Assert.Equal(Corpus.Test, loaded.Test);
    }
}
