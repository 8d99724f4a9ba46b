//! The encoder's linear layers. A search query is a handful of word pieces: for so few rows a
//! general matrix product spends most of its time packing the weights into blocks and waking
//! worker threads, so a product of few rows streams each weight row once through dot products
//! instead (a short query's embedding takes about 30% less time, see BENCHMARKS.md).

use candle_core::{Module, Storage, Tensor};
use candle_nn::Linear;

/// Up to this many rows (word pieces of a batch) take the dot-product path.
const FEW_ROWS: usize = 16;

pub(crate) struct Dense {
    linear: Linear,
    bias: Vec<f32>,
    inputs: usize,
    outputs: usize,
}

impl Dense {
    pub(crate) fn new(linear: Linear) -> candle_core::Result<Self> {
        let (outputs, inputs) = linear.weight().dims2()?;
        let bias = match linear.bias() {
            Some(bias) => bias.to_vec1::<f32>()?,
            None => vec![0.0; outputs],
        };
        Ok(Self { linear, bias, inputs, outputs })
    }

    pub(crate) fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        match self.few_rows(x)? {
            Some(product) => Ok(product),
            None => self.linear.forward(x),
        }
    }

    /// The product by dot products, when `x` has few rows and the weights are in memory.
    fn few_rows(&self, x: &Tensor) -> candle_core::Result<Option<Tensor>> {
        let (batch, length, inputs) = x.dims3()?;
        if batch * length > FEW_ROWS || inputs != self.inputs {
            return Ok(None);
        }
        // The weights are read in place, one row per output, not copied.
        let (storage, layout) = self.linear.weight().storage_and_layout();
        let (Storage::Cpu(weights), Some((start, end))) = (&*storage, layout.contiguous_offsets()) else {
            return Ok(None);
        };
        let Some(rows) = weights.as_slice::<f32>()?.get(start..end) else {
            return Ok(None);
        };
        let device = x.device().clone();
        let x = x.flatten_all()?.to_vec1::<f32>()?;
        let tokens: Vec<&[f32]> = x.chunks_exact(inputs).collect();
        let dot = dot_product();
        let mut out = vec![0.0; tokens.len() * self.outputs];
        for ((output, row), bias) in rows.chunks_exact(inputs).enumerate().zip(&self.bias) {
            for (token, values) in tokens.iter().enumerate() {
                out[token * self.outputs + output] = dot(row, values) + bias;
            }
        }
        Tensor::from_vec(out, (batch, length, self.outputs), &device).map(Some)
    }
}

/// The fastest dot product this CPU runs.
fn dot_product() -> fn(&[f32], &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        return dot_avx2;
    }
    dot_portable
}

#[cfg(target_arch = "x86_64")]
fn dot_avx2(a: &[f32], b: &[f32]) -> f32 {
    #[target_feature(enable = "avx2,fma")]
    fn compiled_for_avx2(a: &[f32], b: &[f32]) -> f32 {
        lanes(a, b, f32::mul_add)
    }
    // SAFETY: `dot_product` hands out this function only after finding AVX2 and FMA.
    unsafe { compiled_for_avx2(a, b) }
}

fn dot_portable(a: &[f32], b: &[f32]) -> f32 {
    lanes(a, b, |x, y, sum| x * y + sum)
}

/// A dot product in 16 independent sums, which the compiler turns into vector instructions.
#[inline(always)]
fn lanes(a: &[f32], b: &[f32], multiply_add: impl Fn(f32, f32, f32) -> f32) -> f32 {
    const LANES: usize = 16;
    let mut sums = [0.0f32; LANES];
    let whole = a.len().min(b.len()) / LANES * LANES;
    for (x, y) in a[..whole].chunks_exact(LANES).zip(b[..whole].chunks_exact(LANES)) {
        for lane in 0..LANES {
            sums[lane] = multiply_add(x[lane], y[lane], sums[lane]);
        }
    }
    let rest: f32 = a[whole..].iter().zip(&b[whole..]).map(|(x, y)| x * y).sum();
    sums.iter().sum::<f32>() + rest
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::{DType, Device};

    #[test]
    fn few_rows_give_what_the_matrix_product_gives() {
        let device = Device::Cpu;
        let weight = Tensor::randn(0f32, 1.0, (70, 37), &device).expect("weight");
        let bias = Tensor::randn(0f32, 1.0, 70, &device).expect("bias");
        let dense = Dense::new(Linear::new(weight, Some(bias))).expect("dense");
        for rows in [1, 7, 16] {
            let x = Tensor::randn(0f32, 1.0, (1, rows, 37), &device).expect("x");
            let ours = dense.few_rows(&x).expect("dense").expect("few rows take the dot products");
            let candle = dense.linear.forward(&x).expect("linear");
            assert_eq!(ours.dims(), candle.dims());
            let difference = (ours - candle).expect("sub").abs().expect("abs").max_all().expect("max");
            assert!(difference.to_dtype(DType::F32).expect("f32").to_scalar::<f32>().expect("scalar") < 1e-4);
        }
        let many = Tensor::randn(0f32, 1.0, (2, 9, 37), &device).expect("x");
        assert!(dense.few_rows(&many).expect("dense").is_none(), "18 rows take the matrix product");
        assert_eq!(dot_portable(&[1.0; 35], &[2.0; 35]), 70.0);
    }
}
