namespace AsRnnGrid.Tests;

/// <summary>
/// A small corpus in the Penn Treebank character format, written by the tests themselves (PTB's text is not ours to
/// commit): newswire-like sentences of our own, one a line, each line a leading space and then its symbols separated by
/// spaces, <c>_</c> between words, numbers as <c>N</c>, <c>&lt;unk&gt;</c> spelled as its five symbols. Every symbol of
/// valid and test occurs in train. About 1,500 train, 250 valid and 250 test tokens.
/// </summary>
public static class SmallPtbCorpus
{
    public const string TrainFile = "ptb.char.train.txt";
    public const string ValidFile = "ptb.char.valid.txt";
    public const string TestFile = "ptb.char.test.txt";

    public static readonly string[] TrainSentences =
    [
        "the board met on monday to discuss the new plan for the <unk> plant",
        "shares of the company rose N cents to $ N in heavy trading",
        "analysts said the results were better than expected",
        "the firm 's chief executive said it would n't sell the unit",
        "sales in the third quarter fell N % from a year earlier",
        "the bank plans to cut about N jobs over the next two years",
        "officials said the talks would resume next week in <unk>",
        "prices of crude oil jumped after the report was released",
        "the index gained N points to close at N",
        "investors were worried about rising interest rates",
        "the new model will be sold in japan and europe",
        "a spokesman for the agency declined to comment",
        "the deal is valued at about $ N million",
        "many small investors have left the market since october",
        "the court ruled that the contract was still valid",
        "earnings per share rose to N cents from N cents",
        "the government said imports grew faster than exports",
        "traders expect the dollar to weaken against the yen",
        "the company 's bonds were rated below investment grade",
        "some economists think the economy will slow next year",
        "the union asked its members to reject the offer",
        "the chairman said he was pleased with the quarter 's results",
        "the stock has doubled since the start of the year",
        "profit was hurt by higher costs for raw materials",
    ];

    public static readonly string[] ValidSentences =
    [
        "the bank said its profit rose N % in the quarter",
        "shares fell N cents after the report",
        "the company would n't comment on the talks",
        "analysts expect the index to gain next week",
        "the <unk> deal is valued at $ N million",
        "investors sold bonds as rates rose",
    ];

    public static readonly string[] TestSentences =
    [
        "the firm said sales grew faster than expected",
        "the board will meet again next year",
        "prices jumped N % in heavy trading",
        "the agency 's chief declined to comment",
        "the unit was sold to a <unk> investor",
        "earnings fell from a year earlier",
    ];

    /// <summary>Writes the three files into a new temporary folder and returns it.</summary>
    public static string Create() => WriteTo(Directory.CreateTempSubdirectory("ptb-small-").FullName);

    /// <summary>Writes the three files into <paramref name="folder"/> (created if needed) and returns it.</summary>
    public static string WriteTo(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllLines(Path.Combine(folder, TrainFile), TrainSentences.Select(Line));
        File.WriteAllLines(Path.Combine(folder, ValidFile), ValidSentences.Select(Line));
        File.WriteAllLines(Path.Combine(folder, TestFile), TestSentences.Select(Line));
        return folder;
    }

    /// <summary>One sentence in PTB's character format: " t h e _ < u n k > _ N".</summary>
    public static string Line(string sentence)
        => " " + string.Join(" _ ", sentence.Split(' ').Select(word => string.Join(" ", word.ToCharArray())));
}
