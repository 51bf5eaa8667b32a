"""Autoencoder facies: trained on one volume, its latent features + K-means find the units of
another (a volume it did not train on); the training is seeded and honours cancel."""

import numpy as np
import pytest

import geodesk
from geodesk.core.jobs import Cancelled, JobContext
from geodesk.ml.facies_cae import fit_cae_features, patch_spectra, train_cae
from geodesk.ml.facies_run import FaciesSettings, classify_survey
from geodesk.synth.facies import generate_facies_volume


@pytest.mark.slow
def test_cae_features_find_the_units_of_a_volume_it_did_not_train_on(tmp_path):
    from sklearn.metrics import adjusted_rand_score

    train = generate_facies_volume((8, 16, 240), seed=41).write(tmp_path / "train.sgy")
    test = generate_facies_volume((8, 16, 240), seed=42)
    settings = FaciesSettings(n_clusters=4)
    with geodesk.open(train) as a, geodesk.open(test.write(tmp_path / "test.sgy")) as b:
        feats = fit_cae_features(a, settings, steps=150, n_patches=1024)
        res = classify_survey(b, settings, featurizer=feats.features, feature_names=feats.names)
    assert adjusted_rand_score(test.facies.ravel(), res.classes.ravel()) > 0.4
    assert feats.names[-1] == "log_patch_rms" and len(feats.names) == 9


def test_cae_training_is_seeded_and_reduces_the_reconstruction_error():
    rng = np.random.default_rng(0)
    patches = patch_spectra(rng.normal(size=(256, 1, 32, 32)).astype(np.float32))[0]
    a, first, last = train_cae(patches, steps=40, seed=3)
    b, _, _ = train_cae(patches, steps=40, seed=3)
    assert last < first
    for pa, pb in zip(a.parameters(), b.parameters()):
        assert (pa == pb).all()


def test_cae_training_stops_on_cancel():
    ctx = JobContext()
    ctx.cancel()
    with pytest.raises(Cancelled):
        train_cae(np.zeros((8, 1, 32, 32), np.float32), ctx, steps=5)
